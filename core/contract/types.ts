// Domain types shared by workflows, scanner, API and CLI. Plain data only: these travel in Temporal payloads.
import type { CiFailureRef } from './ci';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';
export type SessionStatus = 'active' | 'completed' | 'failed' | 'cancelled';
export type DetectionSource =
  'loki' | 'kubernetes-logs' | 'kubernetes-state' | 'file' | 'http' | 'preflight' | 'github-actions' | 'test';

/** Severity order, most severe first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** One matched failure. `line` is already redacted and truncated; `fingerprint` is stable across repeats. */
export interface Detection {
  code: string;
  severity: Severity;
  priority: Priority;
  patternId: string;
  fingerprint: string;
  line: string;
  source: DetectionSource;
  observedAt: string; // ISO-8601
  agent?: string;
  taskId?: string;
  pod?: string;
  lineNumber?: number;
  /** Set for pre-flight checks (A10–A12 inside an agent's pre-flight window). */
  preflight?: boolean;
  /** A10: the declared tools the agent did not report. */
  missingTools?: string[];
  /** How many occurrences of this fingerprint the detection stands for (the scanner coalesces a flood within one batch); 1 when absent. */
  repeats?: number;
  /** With `repeats`: when the last occurrence was observed. */
  lastObservedAt?: string;
  /** Set for GitHub Actions failures (codes C1–C6): the run, job and PR the detection came from. */
  ci?: CiFailureRef;
}

/** How many occurrences a detection stands for (see `repeats`). */
export const occurrencesOf = (d: Detection): number => d.repeats ?? 1;

export interface AgentSpec {
  name: string;
  githubApp?: string;
  cli?: string;
  model?: string;
  /** Remote tools plus the tools of every enabled local server, sorted, unique. */
  expectedTools: string[];
  /** The remote tools (served through the tools-server), sorted; absent in sessions started before. */
  remoteTools?: string[];
  /** Tools of each enabled local MCP server. */
  localServers?: Record<string, string[]>;
}

export interface TaskSpec {
  id: string;
  title: string;
  agentHint?: string;
  dependencies: string[];
  priority?: number;
}

/** The one typed shape of a session start payload, after normalisation at the edge. */
export interface SessionInput {
  playId: string;
  repository: string;
  service?: string;
  namespace: string;
  agents: AgentSpec[];
  tasks: TaskSpec[];
  /** The remediation settings from cto_config (used by the healing chain). */
  remediation?: Record<string, unknown>;
  /** cto_config `defaults.preflight.unknownIs`: this session's policy for items without evidence. */
  preflightUnknownIs?: 'pass' | 'warn' | 'fail';
  /** Unknown keys of the session's cto_config, by path (accepted, not used). */
  configWarnings?: string[];
}

/** The session that collects detections belonging to no play session in a Kubernetes namespace. */
export function platformSessionInput(k8sNamespace: string): SessionInput {
  return { playId: `platform-${k8sNamespace}`, repository: '', namespace: k8sNamespace, agents: [], tasks: [] };
}
