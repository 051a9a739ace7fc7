// A fake Kubernetes API server on 127.0.0.1 for the real @kubernetes/client-node: Pods (list, get,
// watch, delete, logs with follow/timestamps/sinceTime/tailLines), Events, Deployments (get, list, patch
// incl. the rollout-restart annotation, scale subresource) and any custom resource such as CodeRuns
// (`/apis/agents.platform/{version}/namespaces/{ns}/coderuns`: list, get, create, patch, patch status,
// delete, watch). Watches stream JSON lines with resourceVersions and answer 410 Gone for compacted
// versions. Tests drive it through methods (add/modify/delete objects, append log lines, drop watch
// connections, inject failures) and point a client at it with `kubeConfigFor(fake)`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type K8sObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown> & { [key: string]: unknown };
  status?: Record<string, unknown> & { [key: string]: unknown };
  [key: string]: unknown;
};

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';
interface WatchEvent {
  type: WatchType;
  object: K8sObject;
  rv: number;
}
interface Watcher {
  collection: string;
  namespace?: string;
  selector: LabelSelector;
  fieldName?: string;
  res: ServerResponse;
}
interface LogLine {
  time: string;
  text: string;
}
interface LogStream {
  lines: LogLine[];
  followers: Set<{ res: ServerResponse; timestamps: boolean }>;
  ended: boolean;
}

export interface InjectedK8sFailure {
  method?: string;
  path: RegExp;
  status: number;
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

/** Collections are keyed like `core/v1/pods`, `apps/v1/deployments`, `agents.platform/v1/coderuns`. */
const PODS = 'core/v1/pods';
const EVENTS = 'core/v1/events';
const DEPLOYMENTS = 'apps/v1/deployments';

const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  [PODS]: { kind: 'Pod', apiVersion: 'v1' },
  [EVENTS]: { kind: 'Event', apiVersion: 'v1' },
  [DEPLOYMENTS]: { kind: 'Deployment', apiVersion: 'apps/v1' },
};

// ── label selectors ──────────────────────────────────────────────────────────────────────────────

type LabelSelector = (labels: Record<string, string>) => boolean;

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector) return () => true;
  const terms = selector
    .split(/,(?![^(]*\))/)
    .map((t) => t.trim())
    .filter(Boolean);
  const tests = terms.map((term): LabelSelector => {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const values = m[3].split(',').map((v) => v.trim());
      const [, key, op] = m;
      return (l) => (op === 'in' ? key in l && values.includes(l[key]) : !(key in l) || !values.includes(l[key]));
    }
    if ((m = term.match(/^([\w./-]+)\s*!=\s*(\S*)$/))) return (l) => l[m![1]] !== m![2];
    if ((m = term.match(/^([\w./-]+)\s*==?\s*(\S*)$/))) return (l) => l[m![1]] === m![2];
    if ((m = term.match(/^!([\w./-]+)$/))) return (l) => !(m![1] in l);
    if ((m = term.match(/^([\w./-]+)$/))) return (l) => m![1] in l;
    throw new Error(`unsupported label selector term: ${term}`);
  });
  return (labels) => tests.every((t) => t(labels));
}

// ── patches ──────────────────────────────────────────────────────────────────────────────────────

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function jsonPatch(target: unknown, ops: Array<{ op: string; path: string; value?: unknown }>): unknown {
  const doc = structuredClone(target) as Record<string, unknown>;
  for (const op of ops) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let node: Record<string, unknown> | unknown[] = doc;
    for (const part of parts) {
      const next: unknown = (node as Record<string, unknown>)[part];
      if (next === undefined || next === null) {
        if (op.op === 'remove' || op.op === 'test') throw new Error(`path not found: ${op.path}`);
        (node as Record<string, unknown>)[part] = {};
      }
      node = (node as Record<string, unknown>)[part] as Record<string, unknown>;
    }
    if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(node)) {
        if (last === '-') node.push(op.value);
        else if (op.op === 'add') node.splice(Number(last), 0, op.value);
        else node[Number(last)] = op.value;
      } else node[last] = op.value;
    } else if (op.op === 'remove') {
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
    } else if (op.op === 'test') {
      if (JSON.stringify((node as Record<string, unknown>)[last]) !== JSON.stringify(op.value))
        throw new Error(`test failed at ${op.path}`);
    } else throw new Error(`unsupported json-patch op ${op.op}`);
  }
  return doc;
}

// ── the fake ─────────────────────────────────────────────────────────────────────────────────────

export class FakeKubernetes {
  url = '';
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private rv = 1000;
  private uid = 0;
  /** collection → namespace/name → object */
  private readonly stores = new Map<string, Map<string, K8sObject>>();
  private readonly history = new Map<string, WatchEvent[]>();
  /** Watch events at or below this resourceVersion are gone (410 on watch from older versions). */
  private compactedRv = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly logs = new Map<string, LogStream>();
  private failures: InjectedK8sFailure[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.sendStatus(res, 500, 'InternalError', String(error)));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.dropWatches();
    for (const stream of this.logs.values()) for (const f of stream.followers) f.res.end();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ── objects ──

  /** Adds (or replaces) an object in a collection, e.g. `agents.platform/v1/coderuns`. */
  add(collection: string, object: K8sObject): K8sObject {
    const key = this.key(object);
    const store = this.store(collection);
    const existed = store.has(key);
    const stored = this.stamp(collection, structuredClone(object), existed ? store.get(key) : undefined);
    store.set(key, stored);
    this.emit(collection, existed ? 'MODIFIED' : 'ADDED', stored);
    return structuredClone(stored);
  }

  /** Applies `change` to a copy of the stored object and stores the result (a MODIFIED watch event). */
  modify(collection: string, namespace: string, name: string, change: (o: K8sObject) => void): K8sObject {
    const store = this.store(collection);
    const current = store.get(`${namespace}/${name}`);
    if (!current) throw new Error(`${collection} ${namespace}/${name} not found`);
    const next = structuredClone(current);
    change(next);
    const stored = this.stamp(collection, next, current);
    store.set(`${namespace}/${name}`, stored);
    this.emit(collection, 'MODIFIED', stored);
    return structuredClone(stored);
  }

  delete(collection: string, namespace: string, name: string): boolean {
    const store = this.store(collection);
    const current = store.get(`${namespace}/${name}`);
    if (!current) return false;
    store.delete(`${namespace}/${name}`);
    this.rv += 1;
    this.emit(collection, 'DELETED', {
      ...current,
      metadata: { ...current.metadata, resourceVersion: String(this.rv) },
    });
    if (collection === PODS)
      for (const [k, s] of this.logs) if (k.startsWith(`${namespace}/${name}/`)) this.endStream(s);
    return true;
  }

  get(collection: string, namespace: string, name: string): K8sObject | undefined {
    const o = this.store(collection).get(`${namespace}/${name}`);
    return o && structuredClone(o);
  }

  list(collection: string, namespace?: string): K8sObject[] {
    return [...this.store(collection).values()]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  // Convenience wrappers for the built-in kinds.
  addPod(pod: K8sObject): K8sObject {
    return this.add(PODS, { ...pod, status: { phase: 'Running', ...(pod.status ?? {}) } });
  }
  modifyPod(namespace: string, name: string, change: (o: K8sObject) => void): K8sObject {
    return this.modify(PODS, namespace, name, change);
  }
  deletePod(namespace: string, name: string): boolean {
    return this.delete(PODS, namespace, name);
  }
  addDeployment(deployment: K8sObject): K8sObject {
    return this.add(DEPLOYMENTS, deployment);
  }
  getDeployment(namespace: string, name: string): K8sObject | undefined {
    return this.get(DEPLOYMENTS, namespace, name);
  }
  addEvent(event: K8sObject): K8sObject {
    return this.add(EVENTS, event);
  }
  static coderunCollection(version = 'v1'): string {
    return `agents.platform/${version}/coderuns`;
  }

  // ── logs ──

  /** Appends a line to a container's log (and to every follower). `time` defaults to now. */
  appendLog(namespace: string, pod: string, container: string, text: string, time?: Date | string): void {
    const stream = this.logStream(namespace, pod, container);
    const line = { time: toRfc3339Nano(time ?? new Date()), text };
    stream.lines.push(line);
    for (const f of stream.followers) f.res.write(`${f.timestamps ? `${line.time} ` : ''}${text}\n`);
  }

  /** Ends every follow request of a container log (as when the container exits); new lines may follow. */
  endLogFollowers(namespace: string, pod: string, container: string): void {
    const stream = this.logStream(namespace, pod, container);
    for (const f of stream.followers) f.res.end();
    stream.followers.clear();
  }

  logLines(namespace: string, pod: string, container: string): string[] {
    return this.logStream(namespace, pod, container).lines.map((l) => l.text);
  }

  // ── fault injection ──

  /** Closes every open watch connection (clients must re-list or re-watch). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Forget watch history: watching from an older resourceVersion answers 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    for (const events of this.history.values()) events.length = 0;
  }

  failNext(failure: InjectedK8sFailure): void {
    this.failures.push({ times: 1, ...failure });
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  // ── HTTP ──

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return this.sendStatus(res, 400, 'BadRequest', 'request body is not JSON');
      }
    }
    this.requests.push({ method, path, query, body, contentType });

    const failure = this.failures.find((f) => (!f.method || f.method === method) && f.path.test(path));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures = this.failures.filter((f) => f !== failure);
      return this.sendStatus(res, failure.status, 'InjectedFailure', `injected ${failure.status}`);
    }

    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/)))
      return this.serveLog(m[1], m[2], query, req, res);
    if ((m = path.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/)))
      return this.serveScale(method, m[1], m[2], body, res);

    const route = this.route(path);
    if (!route) return this.sendStatus(res, 404, 'NotFound', `no route for ${path}`);
    const { collection, namespace, name, subresource } = route;
    if (!name) {
      if (method === 'GET') {
        if (query.watch === 'true' || query.watch === '1')
          return this.serveWatch(collection, namespace, query, req, res);
        return this.sendList(res, collection, namespace, query);
      }
      if (method === 'POST') return this.create(res, collection, namespace, body as K8sObject);
      return this.sendStatus(res, 405, 'MethodNotAllowed', method);
    }
    const key = `${namespace}/${name}`;
    const current = this.store(collection).get(key);
    if (method === 'GET') return current ? this.send(res, 200, current) : this.notFound(res, collection, name);
    if (method === 'DELETE') {
      if (!current) return this.notFound(res, collection, name);
      this.delete(collection, namespace!, name);
      return this.send(res, 200, current);
    }
    if (method === 'PATCH' || method === 'PUT') {
      if (!current) return this.notFound(res, collection, name);
      let next: K8sObject;
      try {
        if (method === 'PUT') next = body as K8sObject;
        else if (contentType?.includes('json-patch'))
          next = jsonPatch(current, body as Array<{ op: string; path: string; value?: unknown }>) as K8sObject;
        else next = mergePatch(current, body) as K8sObject;
      } catch (error) {
        return this.sendStatus(res, 422, 'Invalid', String(error));
      }
      if (subresource === 'status') next = { ...current, status: next.status };
      else if (
        collection.startsWith('agents.') &&
        next.status !== current.status &&
        JSON.stringify(next.status) !== JSON.stringify(current.status)
      ) {
        // Custom resources with a status subresource ignore status changes on the main resource.
        next = { ...next, status: current.status };
      }
      const stored = this.stamp(collection, next, current);
      this.store(collection).set(key, stored);
      this.emit(collection, 'MODIFIED', stored);
      return this.send(res, 200, stored);
    }
    return this.sendStatus(res, 405, 'MethodNotAllowed', method);
  }

  private route(
    path: string,
  ): { collection: string; namespace?: string; name?: string; subresource?: string } | undefined {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/api\/v1\/(pods|events)$/))) return { collection: `core/v1/${m[1]}` };
    if ((m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?(?:\/(status))?$/)))
      return { collection: `core/v1/${m[2]}`, namespace: m[1], name: m[3], subresource: m[4] };
    if ((m = path.match(/^\/apis\/([^/]+)\/([^/]+)\/([^/]+)$/))) return { collection: `${m[1]}/${m[2]}/${m[3]}` };
    if ((m = path.match(/^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(status))?$/)))
      return { collection: `${m[1]}/${m[2]}/${m[4]}`, namespace: m[3], name: m[5], subresource: m[6] };
    return undefined;
  }

  private create(res: ServerResponse, collection: string, namespace: string | undefined, object: K8sObject): void {
    if (!object?.metadata?.name) return this.sendStatus(res, 422, 'Invalid', 'metadata.name is required');
    const withNs = { ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? namespace } };
    if (this.store(collection).has(this.key(withNs)))
      return this.sendStatus(res, 409, 'AlreadyExists', `${object.metadata.name} already exists`);
    this.send(res, 201, this.add(collection, withNs));
  }

  private sendList(
    res: ServerResponse,
    collection: string,
    namespace: string | undefined,
    query: Record<string, string>,
  ): void {
    const selector = parseLabelSelector(query.labelSelector);
    const fieldName = parseFieldName(query.fieldSelector);
    const items = [...this.store(collection).values()].filter(
      (o) =>
        (!namespace || o.metadata.namespace === namespace) &&
        selector(o.metadata.labels ?? {}) &&
        (!fieldName || o.metadata.name === fieldName),
    );
    const kind = this.kindOf(collection);
    this.send(res, 200, {
      apiVersion: kind.apiVersion,
      kind: `${kind.kind}List`,
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private serveWatch(
    collection: string,
    namespace: string | undefined,
    query: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const from = query.resourceVersion ? Number(query.resourceVersion) : this.rv;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const watcher: Watcher = {
      collection,
      namespace,
      selector: parseLabelSelector(query.labelSelector),
      fieldName: parseFieldName(query.fieldSelector),
      res,
    };
    if (query.resourceVersion && from < this.compactedRv) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from} (${this.compactedRv})` } })}\n`,
      );
      return;
    }
    if (!query.resourceVersion || query.resourceVersion === '0') {
      // No resourceVersion: like the API server, start with the current state as ADDED events.
      for (const o of this.store(collection).values())
        this.deliver(watcher, { type: 'ADDED', object: o, rv: Number(o.metadata.resourceVersion) });
    } else for (const event of this.history.get(collection) ?? []) if (event.rv > from) this.deliver(watcher, event);
    this.watchers.add(watcher);
    req.on('close', () => this.watchers.delete(watcher));
  }

  private serveLog(
    namespace: string,
    pod: string,
    query: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const podObj = this.store(PODS).get(`${namespace}/${pod}`);
    if (!podObj) return this.notFound(res, PODS, pod);
    const containers = ((podObj.spec?.containers as Array<{ name: string }> | undefined) ?? []).map((c) => c.name);
    const container = query.container ?? (containers.length === 1 ? containers[0] : undefined);
    if (!container)
      return this.sendStatus(
        res,
        400,
        'BadRequest',
        `a container name must be specified for pod ${pod}, choose one of: [${containers.join(' ')}]`,
      );
    const stream = this.logStream(namespace, pod, container);
    const timestamps = query.timestamps === 'true';
    let lines = stream.lines;
    if (query.sinceTime) {
      // Kubernetes parses sinceTime as RFC3339 with second precision.
      const since = Math.floor(Date.parse(query.sinceTime) / 1000) * 1000;
      lines = lines.filter((l) => Date.parse(l.time) >= since);
    }
    if (query.tailLines) lines = lines.slice(-Number(query.tailLines));
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    for (const l of lines) res.write(`${timestamps ? `${l.time} ` : ''}${l.text}\n`);
    const phase = (podObj.status?.phase as string | undefined) ?? 'Running';
    if (query.follow !== 'true' || stream.ended || phase === 'Succeeded' || phase === 'Failed') {
      res.end();
      return;
    }
    const follower = { res, timestamps };
    stream.followers.add(follower);
    req.on('close', () => stream.followers.delete(follower));
  }

  private serveScale(method: string, namespace: string, name: string, body: unknown, res: ServerResponse): void {
    const current = this.store(DEPLOYMENTS).get(`${namespace}/${name}`);
    if (!current) return this.notFound(res, DEPLOYMENTS, name);
    const scaleOf = (d: K8sObject) => ({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name, namespace, resourceVersion: d.metadata.resourceVersion },
      spec: { replicas: (d.spec?.replicas as number | undefined) ?? 1 },
      status: { replicas: (d.status?.replicas as number | undefined) ?? (d.spec?.replicas as number | undefined) ?? 1 },
    });
    if (method === 'GET') return this.send(res, 200, scaleOf(current));
    if (method !== 'PATCH' && method !== 'PUT') return this.sendStatus(res, 405, 'MethodNotAllowed', method);
    let replicas: unknown;
    if (Array.isArray(body))
      replicas = (jsonPatch(scaleOf(current), body) as { spec: { replicas: unknown } }).spec.replicas;
    else replicas = (body as { spec?: { replicas?: unknown } })?.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0)
      return this.sendStatus(res, 422, 'Invalid', 'spec.replicas must be a non-negative integer');
    const updated = this.modify(DEPLOYMENTS, namespace, name, (d) => {
      d.spec = { ...(d.spec ?? {}), replicas };
      d.status = { ...(d.status ?? {}), replicas };
    });
    this.send(res, 200, scaleOf(updated));
  }

  // ── helpers ──

  private store(collection: string): Map<string, K8sObject> {
    let s = this.stores.get(collection);
    if (!s) this.stores.set(collection, (s = new Map()));
    return s;
  }

  private key(o: K8sObject): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  }

  private kindOf(collection: string): { kind: string; apiVersion: string } {
    if (KINDS[collection]) return KINDS[collection];
    const [group, version, plural] = collection.split('/');
    const singular = plural.replace(/s$/, '');
    return {
      kind: singular === 'coderun' ? 'CodeRun' : singular[0].toUpperCase() + singular.slice(1),
      apiVersion: `${group}/${version}`,
    };
  }

  private stamp(collection: string, object: K8sObject, previous?: K8sObject): K8sObject {
    this.rv += 1;
    const kind = this.kindOf(collection);
    return {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      ...object,
      metadata: {
        ...object.metadata,
        uid: previous?.metadata.uid ?? object.metadata.uid ?? `uid-${++this.uid}`,
        creationTimestamp:
          previous?.metadata.creationTimestamp ?? object.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(this.rv),
      },
    };
  }

  private emit(collection: string, type: WatchType, object: K8sObject): void {
    const event = { type, object: structuredClone(object), rv: Number(object.metadata.resourceVersion) };
    let events = this.history.get(collection);
    if (!events) this.history.set(collection, (events = []));
    events.push(event);
    for (const w of this.watchers) if (w.collection === collection) this.deliver(w, event);
  }

  private deliver(w: Watcher, event: WatchEvent): void {
    const o = event.object;
    if (w.namespace && o.metadata.namespace !== w.namespace) return;
    if (!w.selector(o.metadata.labels ?? {})) return;
    if (w.fieldName && o.metadata.name !== w.fieldName) return;
    w.res.write(`${JSON.stringify({ type: event.type, object: o })}\n`);
  }

  private logStream(namespace: string, pod: string, container: string): LogStream {
    const key = `${namespace}/${pod}/${container}`;
    let s = this.logs.get(key);
    if (!s) this.logs.set(key, (s = { lines: [], followers: new Set(), ended: false }));
    return s;
  }

  private endStream(stream: LogStream): void {
    for (const f of stream.followers) f.res.end();
    stream.followers.clear();
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
    if (res.headersSent) return void res.end();
    this.send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }

  private notFound(res: ServerResponse, collection: string, name: string): void {
    const plural = collection.split('/')[2];
    this.sendStatus(res, 404, 'NotFound', `${plural} "${name}" not found`);
  }
}

function parseFieldName(fieldSelector: string | undefined): string | undefined {
  const m = fieldSelector?.match(/metadata\.name=([^,]+)/);
  return m?.[1];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** RFC3339 with nanoseconds, as the kubelet writes log timestamps. */
export function toRfc3339Nano(time: Date | string): string {
  if (typeof time === 'string') return time;
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** A KubeConfig whose current context talks to the fake (plain HTTP, static token). */
export function kubeConfigFor(fake: FakeKubernetes, namespace = 'cto'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: fake.url, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
    currentContext: 'fake',
  });
  return kc;
}

export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  return new FakeKubernetes().start();
}
