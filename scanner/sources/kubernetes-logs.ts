// Follows the logs of every container of the pods matching a label selector, as pods come and go.
// One stream per container (`kubernetes-logs:<ns>/<pod>/<container>`); positions are
// `<RFC3339 timestamp with 9-digit nanos>:<index among lines with that timestamp>`. A dropped follow is
// resumed with sinceTime (second precision) and skips what was already passed.
import { Log, type KubeConfig } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Labels, LineRecord, Source, SourceContext } from '../types';
import { pad } from '../types';
import { AsyncQueue, sleep } from './queue';
import { normaliseTimestamp } from './timestamp';
import { watchForever, type KubeObject } from './watch';

export interface KubernetesLogsOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  labelSelector?: string;
  /** Queue between followers and the pipeline. */
  capacity?: number;
}

interface PodInfo {
  name: string;
  labels: Labels;
  containers: string[];
  phase: string;
}

export function kubernetesLogsSource(opts: KubernetesLogsOptions): Source {
  return {
    name: `kubernetes-logs:${opts.namespace}/${opts.labelSelector ?? ''}`,
    async *records(ctx: SourceContext): AsyncIterable<LineRecord> {
      const queue = new AsyncQueue<LineRecord>(opts.capacity ?? 1000);
      const log = new Log(opts.kubeConfig);
      const pods = new Map<string, PodInfo>();
      const followers = new Map<string, AbortController>();

      const follow = async (pod: string, container: string, stop: AbortSignal): Promise<void> => {
        const stream = `kubernetes-logs:${opts.namespace}/${pod}/${container}`;
        let last = ctx.cursor(stream);
        let backoff = 200;
        while (!stop.aborted && pods.has(pod)) {
          const info = pods.get(pod)!;
          let lastTs = last?.slice(0, 30);
          let idx = last ? Number(last.slice(31)) : -1;
          let carry = '';
          const emit = async (raw: string): Promise<void> => {
            const space = raw.indexOf(' ');
            const ts = normaliseTimestamp(raw.slice(0, space));
            const text = raw.slice(space + 1);
            const i = ts === lastTs ? idx + 1 : 0;
            const position = `${ts}:${pad(i, 6)}`;
            lastTs = ts;
            idx = i;
            if (last && position <= last) return; // re-read after a reconnect
            last = position;
            const labels = { ...info.labels, namespace: opts.namespace, pod, container };
            await queue.push({ kind: 'line', stream, position, line: text, labels, observedAt: ts });
          };
          // Entries at the cursor's timestamp are re-read from the top of that second: recount them.
          if (last) {
            lastTs = undefined;
            idx = -1;
          }
          const sink = new Writable({
            write(chunk: Buffer, _enc, callback) {
              const text = carry + chunk.toString('utf8');
              const lines = text.split('\n');
              carry = lines.pop() ?? '';
              (async () => {
                for (const l of lines) await emit(l.replace(/\r$/, ''));
              })().then(() => callback(), callback);
            },
          });
          let controller: AbortController | undefined;
          const onStop = (): void => controller?.abort();
          stop.addEventListener('abort', onStop, { once: true });
          try {
            const sinceTime = last
              ? new Date(Date.parse(last.slice(0, 30))).toISOString().replace(/\.\d+Z$/, 'Z')
              : undefined;
            controller = await log.log(opts.namespace, pod, container, sink, {
              follow: true,
              timestamps: true,
              sinceTime,
            });
            await finished(sink).catch(() => undefined);
            backoff = 200;
          } catch (error) {
            if (!stop.aborted) ctx.log(`log ${pod}/${container}: ${(error as Error).message}`);
            backoff = Math.min(backoff * 2, 10_000);
          } finally {
            stop.removeEventListener('abort', onStop);
          }
          const phase = pods.get(pod)?.phase;
          if (phase === 'Succeeded' || phase === 'Failed') break;
          await sleep(backoff, stop);
        }
      };

      const sync = (type: string, pod: KubeObject): void => {
        const name = pod.metadata.name;
        if (type === 'DELETED') {
          pods.delete(name);
          for (const [key, c] of followers) {
            if (!key.startsWith(`${name}/`)) continue;
            c.abort();
            followers.delete(key);
          }
          return;
        }
        const containers = ((pod.spec?.containers as Array<{ name: string }> | undefined) ?? []).map((c) => c.name);
        const phase = (pod.status?.phase as string | undefined) ?? 'Pending';
        pods.set(name, { name, labels: pod.metadata.labels ?? {}, containers, phase });
        if (phase === 'Pending') return;
        for (const container of containers) {
          const key = `${name}/${container}`;
          if (followers.has(key)) continue;
          const controller = new AbortController();
          followers.set(key, controller);
          const abortFollower = (): void => controller.abort();
          ctx.signal.addEventListener('abort', abortFollower, { once: true });
          void follow(name, container, controller.signal).finally(() => {
            ctx.signal.removeEventListener('abort', abortFollower);
            if (followers.get(key) === controller) followers.delete(key);
          });
        }
      };

      const watching = watchForever(
        opts.kubeConfig,
        `/api/v1/namespaces/${opts.namespace}/pods`,
        { labelSelector: opts.labelSelector },
        sync,
        ctx.signal,
        ctx.log,
      );
      ctx.signal.addEventListener('abort', () => queue.close(), { once: true });
      try {
        yield* queue;
      } finally {
        for (const c of followers.values()) c.abort();
        queue.close();
        await watching;
      }
    },
  };
}
