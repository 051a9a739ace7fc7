// The watchdog and playbook workflows' messages: heartbeat signal, watchdog query, inputs and views.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { StepOutcome } from '../watchdog/playbook/types';
import type { Outage, TrackedComponent, WatchdogPolicy } from '../watchdog/health';
import type { AuditEntry, ChainAnchor } from '../watchdog/audit/entry';

/** A component's "I am alive" message, sent every 10 s (runtime/heartbeat.ts). */
export interface Heartbeat {
  component: string;
  instanceId: string;
  version?: string;
  /** Sender's clock, for display only: liveness uses the watchdog's own time of receipt. */
  sentAt?: string;
  /**
   * Progress counters. `cursor` is the position in the component's source (e.g. the scanner's log
   * cursor); with `hasNewData: true` and an unchanged cursor the component counts as stuck.
   */
  progress?: { cursor?: string | number; hasNewData?: boolean; [counter: string]: unknown };
  /**
   * Sender's clock: the first heartbeat that could not be delivered since the last one that was. The
   * component was alive and trying all along, so the silence since then was Temporal's, not its own.
   */
  failingSince?: string;
}

export interface EmergencyModeSignal {
  enabled: boolean;
  reason?: string;
  playbookRun?: string;
}

export const heartbeatSignal = defineSignal<[Heartbeat]>('heartbeat');
export const emergencyModeSignal = defineSignal<[EmergencyModeSignal]>('emergencyMode');

/** Durations in milliseconds. Defaults in workflows/watchdog.ts (DEFAULT_WATCHDOG_SETTINGS) with reasons. */
export interface WatchdogSettings extends WatchdogPolicy {
  /** Multiplies every playbook duration (tests run the real playbooks with short timers). */
  playbookDurationScale: number;
}

export interface WatchdogInput {
  namespace: string;
  /** Components expected to heartbeat from the start; others join with their first heartbeat. */
  components?: string[];
  settings?: Partial<WatchdogSettings>;
  /** Playbook names (files in playbooks/ without .yaml). */
  playbooks?: { mutual?: string; emergency?: string };
  /** State carried across continue-as-new. */
  carried?: WatchdogCarriedState;
}

export type ComponentState = 'starting' | 'healthy' | 'silent' | 'stuck' | 'restarting' | 'failed';

export interface ComponentView {
  name: string;
  state: ComponentState;
  instanceId?: string;
  version?: string;
  lastHeartbeatAt?: string;
  /** When the component sent that heartbeat, by its own clock (the watchdog may have handled it later). */
  lastSentAt?: string;
  /** Since when the cursor has not moved while the source had new data. */
  stuckSince?: string;
  progress?: Heartbeat['progress'];
  /** Heartbeating and progressing (after a restart: a heartbeat proved the restart worked). */
  healthy: boolean;
  restartingSince?: string;
  restartsInWindow: number;
  restartTimes: string[];
  nextRestartAllowedAt?: string;
  failedReason?: string;
  /** A component given up on is tried again then (the cause may have been transient). */
  nextRetryAt?: string;
}

export interface RunningPlaybookView {
  workflowId: string;
  playbook: string;
  components: string[];
  startedAt: string;
}

export interface PlaybookRunView extends RunningPlaybookView {
  outcome: PlaybookOutcomeName;
  finishedAt: string;
}

export type PlaybookOutcomeName = 'succeeded' | 'failed' | 'slo_exceeded';

export interface WatchdogView {
  namespace: string;
  workflowId: string;
  startedAt: string;
  emergencyMode: boolean;
  settings: WatchdogSettings;
  components: ComponentView[];
  running: RunningPlaybookView[];
  /** Most recent finished playbook runs, newest first (bounded). */
  history: PlaybookRunView[];
  escalations: Array<{ at: string; component: string; reason: string }>;
  continuedAsNew: number;
  /** The last stretch in which Temporal (or the watchdog's worker) was away; silence in it was excused. */
  lastOutage?: { from: string; to: string };
}

export interface WatchdogCarriedState {
  startedAt: string;
  components: TrackedComponent[];
  history: PlaybookRunView[];
  escalations: WatchdogView['escalations'];
  emergencyRuns: number[];
  emergencyMode: boolean;
  playbookCounter: number;
  continuedAsNew: number;
  /** The last time nobody could be heard (Temporal away): silence inside it is excused. */
  outage?: Outage;
}

export const watchdogStatusQuery = defineQuery<WatchdogView>('watchdogStatus');

// ── audit mirror ──────────────────────────────────────────────────────────────────────────────────

/** The watchdog's audit log mirrored into Temporal, so any pod can verify it (the file is on the watchdog's volume). */
export const auditWorkflowId = (namespace: string): string => `audit-${namespace}`;

/** Something wrong the mirror saw as entries arrived; kept, never repaired, so verification reports it. */
export interface AuditMirrorBreak {
  seq: number;
  reason: string;
}

/** The mirror's chain: the kept entries (by seq) and the anchor they chain from. */
export interface AuditMirrorState {
  /** The entry just before the first kept one (seq 0 and the genesis hash while nothing was dropped). */
  anchor: ChainAnchor;
  entries: AuditEntry[];
  /** The first breaks seen (bounded), and how many there were in all. */
  breaks: AuditMirrorBreak[];
  breakCount: number;
}

export interface AuditMirrorInput {
  namespace: string;
  /** State carried across continue-as-new. */
  carried?: AuditMirrorState;
}

/** Entries with `seq > afterSeq` (default: from the anchor), oldest first, at most `limit`. */
export interface AuditMirrorPageRequest {
  afterSeq?: number;
  limit?: number;
}

export interface AuditMirrorPage {
  anchor: ChainAnchor;
  /** Entries the mirror holds. */
  count: number;
  entries: AuditEntry[];
  /** Pass as `afterSeq` for the next page; absent on the last page. */
  nextAfterSeq?: number;
  breaks: AuditMirrorBreak[];
  breakCount: number;
}

/** One chained entry, as appended to the file (a re-sent seq is ignored). */
export const auditEntrySignal = defineSignal<[AuditEntry]>('auditEntry');
export const auditEntriesQuery = defineQuery<AuditMirrorPage, [AuditMirrorPageRequest]>('auditEntries');

// ── playbook ──────────────────────────────────────────────────────────────────────────────────────

export interface PlaybookInput {
  /** Playbook name: playbooks/<name>.yaml, loaded by an activity. */
  playbook: string;
  /** Inline YAML instead of the file (tests, ad-hoc runs). */
  source?: { text: string; file: string };
  params: Record<string, unknown>;
  namespace: string;
  /** When the failure that triggered this run was detected (recovery time is measured from it). */
  triggeredAt?: string;
  /** Multiplies every duration of the playbook (default 1). */
  durationScale?: number;
  /** Watchdog workflow id (default: the parent, or watchdog-<namespace>). */
  watchdogWorkflowId?: string;
}

export interface PlaybookResult {
  playbook: string;
  workflowId: string;
  outcome: PlaybookOutcomeName;
  steps: StepOutcome[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  sloMs: number;
  escalated: boolean;
}

export const playbookStatusQuery = defineQuery<{
  playbook: string;
  current?: string;
  steps: StepOutcome[];
  sloExceeded: boolean;
}>('playbookStatus');
