// Watches a Kubernetes collection with the client's Watch and keeps watching: reconnects after the
// server closes the stream (from the last resourceVersion seen), and starts over from the current state
// after 410 Gone. Handlers must be idempotent (objects can be seen again after a reconnect).
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { sleep } from './queue';

export type WatchHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void | Promise<void>;

export interface KubeObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export async function watchForever(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | undefined>,
  handler: WatchHandler,
  signal: AbortSignal,
  log: (m: string) => void,
): Promise<void> {
  const watch = new Watch(kc);
  let resourceVersion: string | undefined;
  let backoff = 200;
  while (!signal.aborted) {
    let events = 0;
    const ended = await new Promise<unknown>((resolve) => {
      let controller: AbortController | undefined;
      const onAbort = (): void => controller?.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      watch
        .watch(
          path,
          { ...query, resourceVersion, allowWatchBookmarks: 'true' },
          (type, object: KubeObject & { code?: number }) => {
            if (type === 'ERROR') {
              if (object.code === 410) resourceVersion = undefined; // too old: start from the current state
              return;
            }
            events++;
            if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
            if (type === 'BOOKMARK') return;
            void handler(type as 'ADDED' | 'MODIFIED' | 'DELETED', object);
          },
          (err) => {
            signal.removeEventListener('abort', onAbort);
            resolve(err);
          },
        )
        .then((c) => {
          controller = c;
          if (signal.aborted) c.abort();
        })
        .catch(resolve);
    });
    if (signal.aborted) return;
    if (ended) log(`watch ${path} ended: ${(ended as Error).message ?? String(ended)}`);
    backoff = events > 0 ? 200 : Math.min(backoff * 2, 10_000);
    await sleep(backoff, signal);
  }
}
