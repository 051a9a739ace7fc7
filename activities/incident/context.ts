// Gathering an incident's context, and the evidence store that keeps it out of workflow history.
// The full context (log window, pod, CodeRun, events) is written to `<HEALER_STATE_DIR>/incidents/<id>/context.json`;
// the workflow only gets a small reference plus a bounded, redacted excerpt for the issue and the model.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { redact } from '../../core/detection/redact';
import type { Detection } from '../../core/contract';

export const CODERUN_GROUP = 'agents.platform';
export const CODERUN_PLURAL = 'coderuns';

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
  /** The log window source (Loki, or the scanner's own buffer); absent: only the detection lines. */
  logWindow?: (q: LogWindowQuery) => Promise<string[]>;
  /** Absent when no Kubernetes is configured. */
  kube?: { core: CoreV1Api; custom: CustomObjectsApi; coderunVersion?: string } | null;
}

export interface GatherInput {
  incidentId: string;
  playId: string;
  namespace: string;
  detection: Detection;
  /** Later occurrences already known to the workflow. */
  evidence?: Detection[];
  windowSecs?: number;
}

/** What the workflow keeps: a reference and small, redacted summaries. */
export interface ContextRef {
  ref: string;
  excerpt: string[];
  notes: string[];
  logLines: number;
}

export interface StoredContext {
  incidentId: string;
  gatheredAt: string;
  detection: Detection;
  logWindow: string[];
  pod?: unknown;
  events?: unknown[];
  coderuns?: unknown[];
  errors: string[];
}

const MAX_EXCERPT_LINES = 30;
const MAX_LINE = 300;

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

/** The lines around the detection that matter most: the detection itself first, then the window's tail. */
function excerptOf(detection: Detection, evidence: Detection[], window: string[]): string[] {
  const lines = [detection.line, ...evidence.map((d) => d.line), ...window.slice(-MAX_EXCERPT_LINES)];
  const unique = [...new Set(lines.map((l) => redact(l).slice(0, MAX_LINE)))];
  return unique.slice(0, MAX_EXCERPT_LINES);
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

  return {
    /** Best effort: a source that fails is recorded in the context, never fails the incident. */
    async gatherContext(input: GatherInput): Promise<ContextRef> {
      const errors: string[] = [];
      const d = input.detection;
      let window: string[] = [];
      if (deps.logWindow) {
        try {
          window = await deps.logWindow({
            namespace: input.namespace,
            pod: d.pod,
            agent: d.agent,
            around: d.observedAt,
            beforeSecs: input.windowSecs ?? 120,
            afterSecs: 30,
          });
        } catch (e) {
          errors.push(`log window: ${(e as Error).message.slice(0, 200)}`);
        }
      }
      const { notes = [], ...cluster } = await clusterState(input, errors);
      const stored: StoredContext = {
        incidentId: input.incidentId,
        gatheredAt: new Date().toISOString(),
        detection: { ...d, line: redact(d.line) },
        logWindow: window.map(redact),
        ...cluster,
        errors,
      };
      const ref = await store.write(input.incidentId, 'context.json', stored);
      return {
        ref,
        excerpt: excerptOf(d, input.evidence ?? [], window),
        notes: [...notes, ...errors.map((e) => `unavailable: ${e}`)]
          .map((n) => redact(n).slice(0, MAX_LINE))
          .slice(0, 12),
        logLines: window.length,
      };
    },
  };
}

export type ContextActivities = ReturnType<typeof createContextActivities>;
