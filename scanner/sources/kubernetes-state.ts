// Alerts from cluster state: watches Pods and CodeRuns (agents.platform/<version>) and raises
//   A7  pod failed, CrashLoopBackOff / ImagePullBackOff, or restarted `restartThreshold` times
//   A8  pod running past its agent's timeout (Rex/Blaze 45 min, Cleo 15, Tess 30, Cipher 15, Atlas 20,
//       others 60), measured from the pod's start time
//   A9  CodeRun not terminal 10 min after its creationTimestamp (not after we first saw it)
// Each alert is raised once per object and reason; what was delivered is remembered in the state dir.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Detection, Priority, Severity } from '../../core/contract';
import { fingerprint, STATE_CATALOG } from '../../core/detection';
import type { AlertRecord, Labels, Source, SourceContext } from '../types';
import type { StateStore } from '../state';
import { AsyncQueue, sleep } from './queue';
import { watchForever, type KubeObject } from './watch';

export const DEFAULT_AGENT_TIMEOUT_MINUTES: Record<string, number> = {
  rex: 45,
  blaze: 45,
  cleo: 15,
  tess: 30,
  cipher: 15,
  atlas: 20,
};
export const DEFAULT_TIMEOUT_MINUTES = 60;
const TERMINAL_CODERUN_PHASES = ['succeeded', 'failed', 'completed', 'cancelled', 'canceled', 'error'];

/** Priority, severity and title of A7-A9 (from the catalog). */
export const STATE_CODES = Object.fromEntries(STATE_CATALOG.map((e) => [e.code, e])) as Record<
  string,
  { priority: Priority; severity: Severity; title: string }
> as Record<'A7' | 'A8' | 'A9', { priority: Priority; severity: Severity; title: string }>;

export interface KubernetesStateOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  labelSelector?: string;
  coderunVersion?: string;
  coderunGroup?: string;
  agentTimeoutsMinutes?: Record<string, number>;
  defaultTimeoutMinutes?: number;
  coderunStuckMinutes?: number;
  restartThreshold?: number;
  /** How often A8/A9 deadlines are re-checked between watch events. */
  checkEveryMs?: number;
  /** Label that names the agent on pods and CodeRuns (also tried: spec.githubApp / spec.agent). */
  agentLabel?: string;
  state?: StateStore;
  now?: () => Date;
}

interface Tracked {
  kind: 'pod' | 'coderun';
  object: KubeObject;
}

function agentOf(o: KubeObject, label: string): string | undefined {
  const fromLabel = o.metadata.labels?.[label];
  const spec = o.spec as { githubApp?: string; agent?: string } | undefined;
  const raw = fromLabel ?? spec?.agent ?? spec?.githubApp;
  return raw ? raw.toLowerCase().replace(/^5dlabs-/, '') : undefined;
}

const ts = (v: string | Date | undefined): number | undefined => (v === undefined ? undefined : new Date(v).getTime());

export function kubernetesStateSource(opts: KubernetesStateOptions): Source {
  const stream = `kubernetes-state:${opts.namespace}`;
  const now = opts.now ?? (() => new Date());
  const agentLabel = opts.agentLabel ?? 'agent';
  const timeouts = { ...DEFAULT_AGENT_TIMEOUT_MINUTES, ...(opts.agentTimeoutsMinutes ?? {}) };
  const blobName = `raised-${stream}`;
  return {
    name: stream,
    async *records(ctx: SourceContext): AsyncIterable<AlertRecord> {
      const raised = new Set<string>(opts.state?.loadBlob<string[]>(blobName) ?? []);
      const inFlight = new Set<string>();
      const tracked = new Map<string, Tracked>();
      const queue = new AsyncQueue<AlertRecord>(1000);

      const raise = (code: 'A7' | 'A8' | 'A9', reason: string, o: KubeObject, line: string): void => {
        const key = `${code}:${o.metadata.uid ?? o.metadata.name}:${reason}`;
        if (raised.has(key) || inFlight.has(key)) return;
        inFlight.add(key);
        const labels: Labels = { ...(o.metadata.labels ?? {}), namespace: opts.namespace };
        const agent = agentOf(o, agentLabel);
        if (agent) labels.agent = agent;
        const taskId = labels['task-id'] ?? labels.task_id;
        const meta = STATE_CODES[code];
        const detection: Detection = {
          code,
          severity: meta.severity,
          priority: meta.priority,
          patternId: `${code.toLowerCase()}-${reason}`,
          fingerprint: fingerprint({ code, agent, taskId, line: `${reason} ${line}` }),
          line,
          source: 'kubernetes-state',
          observedAt: now().toISOString(),
        };
        if (agent) detection.agent = agent;
        if (taskId) detection.taskId = taskId;
        if (code !== 'A9') detection.pod = o.metadata.name; // A7/A8 are about pods, A9 about CodeRuns
        void queue.push({
          kind: 'alert',
          stream,
          key,
          detection,
          labels,
          onDelivered: () => {
            inFlight.delete(key);
            raised.add(key);
            opts.state?.saveBlob(blobName, [...raised]);
          },
        });
      };

      const evaluatePod = (pod: KubeObject): void => {
        const name = pod.metadata.name;
        const status = (pod.status ?? {}) as {
          phase?: string;
          reason?: string;
          startTime?: string;
          containerStatuses?: Array<{
            name: string;
            restartCount?: number;
            state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
          }>;
        };
        if (status.phase === 'Failed')
          raise('A7', 'failed', pod, `pod ${name} failed${status.reason ? `: ${status.reason}` : ''}`);
        for (const c of status.containerStatuses ?? []) {
          const waiting = c.state?.waiting?.reason;
          if (waiting && /CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError/.test(waiting)) {
            raise(
              'A7',
              waiting.toLowerCase(),
              pod,
              `pod ${name} container ${c.name} ${waiting} (restarts ${c.restartCount ?? 0})`,
            );
          }
          if ((c.restartCount ?? 0) >= (opts.restartThreshold ?? 3)) {
            raise('A7', 'restarts', pod, `pod ${name} container ${c.name} restarted ${c.restartCount} times`);
          }
          if (c.state?.terminated?.reason === 'OOMKilled')
            raise('A7', 'oomkilled', pod, `pod ${name} container ${c.name} OOMKilled`);
        }
        if (status.phase === 'Running') {
          const agent = agentOf(pod, agentLabel);
          const limitMin = (agent && timeouts[agent]) || opts.defaultTimeoutMinutes || DEFAULT_TIMEOUT_MINUTES;
          const started = ts(status.startTime) ?? ts(pod.metadata.creationTimestamp);
          if (started !== undefined && now().getTime() - started > limitMin * 60_000) {
            const minutes = Math.floor((now().getTime() - started) / 60_000);
            raise(
              'A8',
              'timeout',
              pod,
              `pod ${name} (agent ${agent ?? 'unknown'}) running ${minutes} min, past its ${limitMin} min timeout`,
            );
          }
        }
      };

      const evaluateCodeRun = (run: KubeObject): void => {
        const phase = String((run.status as { phase?: string } | undefined)?.phase ?? 'Pending');
        if (TERMINAL_CODERUN_PHASES.includes(phase.toLowerCase())) return;
        const created = ts(run.metadata.creationTimestamp);
        const limit = (opts.coderunStuckMinutes ?? 10) * 60_000;
        if (created !== undefined && now().getTime() - created > limit) {
          const minutes = Math.floor((now().getTime() - created) / 60_000);
          raise('A9', 'stuck', run, `CodeRun ${run.metadata.name} still ${phase} ${minutes} min after creation`);
        }
      };

      const evaluateAll = (): void => {
        for (const t of tracked.values()) (t.kind === 'pod' ? evaluatePod : evaluateCodeRun)(t.object);
      };
      const onEvent = (kind: 'pod' | 'coderun') => (type: string, o: KubeObject) => {
        const key = `${kind}/${o.metadata.name}`;
        if (type === 'DELETED') return void tracked.delete(key);
        tracked.set(key, { kind, object: o });
        (kind === 'pod' ? evaluatePod : evaluateCodeRun)(o);
      };

      const group = opts.coderunGroup ?? 'agents.platform';
      const version = opts.coderunVersion ?? 'v1';
      const tasks = [
        watchForever(
          opts.kubeConfig,
          `/api/v1/namespaces/${opts.namespace}/pods`,
          { labelSelector: opts.labelSelector },
          onEvent('pod'),
          ctx.signal,
          ctx.log,
        ),
        watchForever(
          opts.kubeConfig,
          `/apis/${group}/${version}/namespaces/${opts.namespace}/coderuns`,
          {},
          onEvent('coderun'),
          ctx.signal,
          ctx.log,
        ),
        (async () => {
          while (!ctx.signal.aborted) {
            await sleep(opts.checkEveryMs ?? 30_000, ctx.signal);
            evaluateAll();
          }
        })(),
      ];
      ctx.signal.addEventListener('abort', () => queue.close(), { once: true });
      try {
        yield* queue;
      } finally {
        queue.close();
        await Promise.allSettled(tasks);
      }
    },
  };
}
