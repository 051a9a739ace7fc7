// Gathering an incident's context, and the evidence store that keeps it out of workflow history.
// The window around the detection is read from every log source the deployment has (Loki, Kubernetes pod
// logs, lines pushed through the API) for every agent of the session, redacted and capped
// (core/incident/log-window.ts); the session's other failures in that window, the task's GitHub state and
// the agent's pre-flight checklist come with it. The full context is written to
// `<HEALER_STATE_DIR>/incidents/<id>/context.json`; the workflow gets a reference plus the bounded parts.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { redact } from '../../core/detection/redact';
import { ApplicationFailure } from '@temporalio/common';
import {
  incidentStatusQuery,
  sessionWorkflowId,
  statusQuery,
  type IncidentView,
  type ContextSummary,
  type ContextWindowSettings,
  type Detection,
  type SessionView,
} from '../../core/contract';
import {
  DEFAULT_CONTEXT_WINDOW,
  MAX_WINDOW_LINE,
  formatWindowLine,
  selectWindow,
  windowBounds,
  type KeptLine,
  type WindowLine,
} from '../../core/incident/log-window';
import { correlate, type Correlation } from '../../core/incident/correlation';
import type { GatheredExtras, GitHubContext } from '../../core/incident/gathered';
import { filesMentioned } from '../../core/incident/rule-evaluator';
import { heartbeating } from '../heartbeat';
import { hookWindowSource, untilAborted, type LogWindowSource, type WindowRequest } from './log-window';
import { SingleFlight } from '../../core/single-flight';
import type { GitHubContextReader } from './github-context';

export const CODERUN_GROUP = 'agents.platform';
export const CODERUN_PLURAL = 'coderuns';

/** What a plain `logWindow` function is asked (tests and embedders; the worker uses `sources`). */
export interface LogWindowQuery {
  namespace: string;
  pod?: string;
  agent?: string;
  /** Detection time; the window is centred on it. */
  around: string;
  beforeSecs: number;
  afterSecs: number;
}

export interface ContextDeps {
  /** HEALER_STATE_DIR, default `.healer`. */
  stateDir: string;
  /** Where the session's lines are read from (Loki or Kubernetes, and the pushed-lines store). */
  sources?: LogWindowSource[];
  /** A plain log source: its lines count as seen at the detection. */
  logWindow?: (q: LogWindowQuery) => Promise<string[]>;
  /** Absent when no Kubernetes is configured. */
  kube?: { core: CoreV1Api; custom: CustomObjectsApi; coderunVersion?: string } | null;
  /** Temporal, to read the session (correlation, checklist); absent: no correlation. */
  client?: () => Client;
  /** The task's PR, CI and recent commits; absent: no GitHub context. */
  github?: GitHubContextReader;
}

export interface GatherInput {
  incidentId: string;
  playId: string;
  namespace: string;
  detection: Detection;
  /** Later occurrences already known to the workflow. */
  evidence?: Detection[];
  /** The session repository, for the GitHub context. */
  repository?: string;
  /** Window and caps (default 5 min before, 1 min after, 200 lines, 16 KB). */
  contextWindow?: ContextWindowSettings;
  /** Older callers: seconds before the detection. */
  windowSecs?: number;
}

/** What the workflow keeps: a reference and small, redacted summaries. */
export interface ContextRef extends GatheredExtras {
  ref: string;
  /** The kept window lines, oldest first, formatted `time agent [code] | line`. */
  excerpt: string[];
  notes: string[];
  /** Lines the sources returned. */
  logLines: number;
  /** CI incidents: the agent's PR diff (redacted, bounded), for the evaluation. */
  diff?: string;
}

export interface StoredContext {
  incidentId: string;
  gatheredAt: string;
  detection: Detection;
  /** Every line the sources returned (redacted, formatted), up to MAX_STORED_LINES. */
  logWindow: string[];
  summary?: ContextSummary;
  correlation?: Correlation;
  github?: GitHubContext;
  pod?: unknown;
  events?: unknown[];
  coderuns?: unknown[];
  errors: string[];
}

const MAX_LINE = 300;
/** Raw lines written to the evidence store at most. */
const MAX_STORED_LINES = 10_000;
/** Deadline of each source. */
const SOURCE_TIMEOUT_MS = 30_000;
/** Deadline of reading the session. */
const SESSION_TIMEOUT_MS = SOURCE_TIMEOUT_MS / 3;

/** The activity's cancellation combined with a deadline. */
function deadline(ms: number): AbortSignal {
  const own = AbortSignal.timeout(ms);
  try {
    return AbortSignal.any([Context.current().cancellationSignal, own]);
  } catch {
    return own; // not in an activity (a unit test)
  }
}

const messageOf = (error: unknown): string => redact((error as Error).message ?? String(error)).slice(0, 200);

const safeName = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '_');

export function createEvidenceStore(stateDir: string) {
  const dir = (id: string): string => join(resolve(stateDir), 'incidents', safeName(id));
  return {
    path: (id: string, name: string): string => join(dir(id), name),
    /** Atomic write (tmp + rename), so a crash never leaves half a file. */
    async write(id: string, name: string, value: unknown): Promise<string> {
      await mkdir(dir(id), { recursive: true });
      const file = join(dir(id), name);
      await writeFile(`${file}.tmp`, JSON.stringify(value, null, 2));
      await rename(`${file}.tmp`, file);
      return file;
    },
    async read<T>(ref: string): Promise<T> {
      return JSON.parse(await readFile(ref, 'utf8')) as T;
    },
  };
}

export function createContextActivities(deps: ContextDeps) {
  const store = createEvidenceStore(deps.stateDir);

  async function clusterState(
    input: GatherInput,
    errors: string[],
  ): Promise<Pick<StoredContext, 'pod' | 'events' | 'coderuns'> & { notes?: string[] }> {
    const kube = deps.kube;
    if (!kube) return {};
    const d = input.detection;
    const out: Pick<StoredContext, 'pod' | 'events' | 'coderuns'> = {};
    const notes: string[] = [];
    if (d.pod) {
      try {
        const pod = await kube.core.readNamespacedPod({ name: d.pod, namespace: input.namespace });
        out.pod = {
          phase: pod.status?.phase,
          containers: pod.status?.containerStatuses?.map((c) => ({
            name: c.name,
            restarts: c.restartCount,
            state: c.state,
          })),
        };
        const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
        notes.push(`pod ${d.pod}: phase ${pod.status?.phase ?? '?'}, restarts ${restarts}`);
      } catch (e) {
        errors.push(`pod ${d.pod}: ${(e as Error).message.slice(0, 200)}`);
      }
      try {
        const events = await kube.core.listNamespacedEvent({
          namespace: input.namespace,
          fieldSelector: `involvedObject.name=${d.pod}`,
        });
        out.events = events.items.map((e) => ({ type: e.type, reason: e.reason, message: e.message, count: e.count }));
        for (const e of events.items.filter((x) => x.type === 'Warning').slice(-5))
          notes.push(`event ${e.reason}: ${e.message ?? ''}`);
      } catch (e) {
        errors.push(`events: ${(e as Error).message.slice(0, 200)}`);
      }
    }
    try {
      const list = (await kube.custom.listNamespacedCustomObject({
        group: CODERUN_GROUP,
        version: kube.coderunVersion ?? 'v1',
        namespace: input.namespace,
        plural: CODERUN_PLURAL,
        labelSelector: `play-id=${input.playId}`,
      })) as { items?: Array<{ metadata?: { name?: string }; status?: { phase?: string } }> };
      out.coderuns = list.items ?? [];
      for (const c of (list.items ?? []).slice(0, 5))
        notes.push(`coderun ${c.metadata?.name}: ${c.status?.phase ?? 'unknown'}`);
    } catch (e) {
      errors.push(`coderuns: ${(e as Error).message.slice(0, 200)}`);
    }
    return { ...out, notes };
  }

  const sources: LogWindowSource[] = [
    ...(deps.logWindow
      ? [
          {
            ...hookWindowSource((request: WindowRequest) =>
              deps.logWindow!({
                namespace: request.namespace,
                pod: request.detection.pod,
                agent: request.detection.agent,
                around: request.detection.observedAt,
                beforeSecs: (Date.parse(request.detection.observedAt) - Date.parse(request.from)) / 1000,
                afterSecs: (Date.parse(request.to) - Date.parse(request.detection.observedAt)) / 1000,
              }),
            ),
            name: 'log window',
          },
        ]
      : []),
    ...(deps.sources ?? []),
  ];

  /** Every source at once; one that fails or times out is recorded, never fails the incident. */
  async function readSources(request: WindowRequest, errors: string[]) {
    const results = await Promise.all(
      sources.map(async (source) => {
        try {
          return { name: source.name, lines: await source.read(request, deadline(SOURCE_TIMEOUT_MS)) };
        } catch (error) {
          errors.push(`${source.name}: ${messageOf(error)}`);
          return { name: source.name, lines: [] as WindowLine[], error: messageOf(error) };
        }
      }),
    );
    return results;
  }

  /** One query answers every incident of the session gathering at that moment. */
  const sessionQuery = new SingleFlight<SessionView>();

  /** The session as its workflow sees it (other failures, open incidents, the agent's checklist). */
  async function sessionView(playId: string, errors: string[]): Promise<SessionView | undefined> {
    if (!deps.client) return undefined;
    try {
      const client = deps.client();
      const query = sessionQuery.run(playId, () =>
        client.withAbortSignal(AbortSignal.timeout(SESSION_TIMEOUT_MS), () =>
          client.workflow.getHandle(sessionWorkflowId(playId)).query(statusQuery),
        ),
      );
      return await untilAborted(query, deadline(SESSION_TIMEOUT_MS));
    } catch (error) {
      errors.push(`session: ${messageOf(error)}`);
      return undefined;
    }
  }

  // Heartbeats while gathering (Loki, Kubernetes): a worker killed mid-way is noticed within the heartbeat timeout.
  return heartbeating({
    /** Best effort: a source that fails is recorded in the context, never fails the incident. */
    async gatherContext(input: GatherInput): Promise<ContextRef> {
      const errors: string[] = [];
      const d = input.detection;
      const settings: ContextWindowSettings = input.contextWindow ?? {
        ...DEFAULT_CONTEXT_WINDOW,
        ...(input.windowSecs !== undefined ? { beforeSecs: input.windowSecs } : {}),
      };
      const window = windowBounds(d, settings);
      const request: WindowRequest = { playId: input.playId, namespace: input.namespace, ...window, detection: d };
      const sourcesRead = readSources(request, errors);
      const reading = Promise.all([sourcesRead, sessionView(input.playId, errors), clusterState(input, errors)]);
      const selecting = sourcesRead.then((read) => {
        const selection = selectWindow(
          read.flatMap((r) => r.lines),
          d,
          settings,
        );
        return { ...selection, lines: withDetection(selection.lines, d) };
      });
      // GitHub is read meanwhile: only the commits of the files the window names wait for it.
      const githubReading =
        deps.github && input.repository
          ? deps.github(
              {
                repository: input.repository,
                taskId: d.taskId,
                files: selecting.then((kept) => filesMentioned([d.line, ...kept.lines.map(formatWindowLine)])),
              },
              deadline(SOURCE_TIMEOUT_MS),
            )
          : undefined;
      const [[read, session, cluster], selection, github] = await Promise.all([reading, selecting, githubReading]);
      const raw = read.flatMap((r) => r.lines);
      const correlation = session
        ? correlate(session, { incidentId: input.incidentId, fingerprint: d.fingerprint }, window)
        : undefined;
      const agent = d.agent !== undefined ? session?.agents.find((a) => a.name === d.agent) : undefined;
      const checklist = agent?.preflight ? { agent: agent.name, items: agent.preflight } : undefined;
      const excerpt = selection.lines.map(formatWindowLine);
      const summary: ContextSummary = {
        sources: read.map((r) => ({ name: r.name, lines: r.lines.length, ...(r.error ? { error: r.error } : {}) })),
        lines: selection.lines.length,
        bytes: selection.bytes,
        dropped: selection.dropped,
        correlated: correlation?.detections.length ?? 0,
      };
      const { notes = [], ...clusterObjects } = cluster;
      const stored: StoredContext = {
        incidentId: input.incidentId,
        gatheredAt: new Date().toISOString(),
        detection: { ...d, line: redact(d.line) },
        logWindow: raw
          .slice(0, MAX_STORED_LINES)
          .map((line) => formatWindowLine({ ...line, line: redact(line.line).slice(0, MAX_WINDOW_LINE) })),
        summary,
        ...(correlation ? { correlation } : {}),
        ...(github ? { github } : {}),
        ...clusterObjects,
        errors,
      };
      const ref = await store.write(input.incidentId, 'context.json', stored);
      return {
        ref,
        excerpt,
        notes: [...notes, ...errors.map((e) => `unavailable: ${e}`)]
          .map((n) => redact(n).slice(0, MAX_LINE))
          .slice(0, 12),
        logLines: raw.length,
        window,
        summary,
        ...(correlation ? { correlation } : {}),
        ...(github ? { github } : {}),
        ...(checklist ? { checklist } : {}),
      };
    },

    /**
     * The issue of another incident (the one this shares its root cause with). While that incident is
     * still open without an issue this fails retryably, so Temporal's retries wait for it.
     */
    async incidentIssue(input: { incidentId: string }): Promise<Pick<IncidentView, 'status' | 'issue'>> {
      if (!deps.client) return { status: 'open' };
      const client = deps.client();
      const view = await client.withAbortSignal(deadline(SOURCE_TIMEOUT_MS / 3), () =>
        client.workflow.getHandle(input.incidentId).query(incidentStatusQuery),
      );
      if (!view.issue && view.status === 'open')
        throw ApplicationFailure.retryable(`${input.incidentId} has no issue yet (${view.step})`, 'IssuePending');
      return { status: view.status, ...(view.issue ? { issue: view.issue } : {}) };
    },
  });
}

/** The detection's own line belongs in its window even when no source returned it (a push, a state alert). */
function withDetection(lines: KeptLine[], d: Detection): KeptLine[] {
  const at = Date.parse(d.observedAt);
  const text = redact(d.line).slice(0, MAX_WINDOW_LINE);
  // The source had it: the same text (a pushed line keeps its own time), or its code at the same moment.
  const found = (l: KeptLine) => l.code === d.code && (l.line === text || Math.abs(Date.parse(l.at) - at) <= 1500);
  if (lines.some(found)) return lines;
  const own: KeptLine = {
    at: d.observedAt,
    line: text,
    source: d.source,
    code: d.code,
    ...(d.agent ? { agent: d.agent } : {}),
    ...(d.pod ? { pod: d.pod } : {}),
  };
  return [...lines, own].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export type ContextActivities = ReturnType<typeof createContextActivities>;
