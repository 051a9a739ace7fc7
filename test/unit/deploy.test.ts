// deploy/ and docker-compose.temporal.yml, checked without a cluster or Docker (neither runs here):
// every manifest against the Kubernetes OpenAPI schemas (kubernetes-models' generated validators),
// unknown fields against @kubernetes/client-node's typed models, then Healer's own rules: probes,
// resources, non-root, least-privilege RBAC, names the restart activities expect, env vars the
// config module reads.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { SEARCH_ATTRIBUTE_TYPES } from '../../core/contract';
import { CONFIG_ENV_VARS, loadConfig } from '../../runtime/config';
import { createMetrics } from '../../runtime/metrics';
import { ensureKustomize, KUSTOMIZE_MODULE } from '../support/kustomize';
import { parser as promql } from '@prometheus-io/lezer-promql';

const root = join(__dirname, '..', '..');
const baseDir = join(root, 'deploy', 'base');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Manifest {
  file: string;
  index: number;
  doc: Obj;
}

/** Env vars read outside runtime/config today; move each into CONFIG_ENV_VARS and drop it from here. */
const PENDING_CONFIG_KEYS: string[] = [];
const COMPONENTS = ['api', 'worker', 'llm-worker', 'scanner', 'watchdog'];

function loadManifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(baseDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()) {
    parseAllDocuments(readFileSync(join(baseDir, file), 'utf8')).forEach((document, index) => {
      if (document.errors.length)
        throw new Error(`${file}#${index}: ${document.errors.map((e) => e.message).join('; ')}`);
      out.push({ file, index, doc: document.toJS() });
    });
  }
  return out;
}

const manifests = loadManifests();
const applied = manifests.filter((m) => m.file !== 'secret.example.yaml');
const ofKind = (kind: string) => applied.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const label = (m: Manifest) => `${m.file}#${m.index} ${m.doc.kind}/${m.doc.metadata?.name}`;

/** The variables the config module reads (loadConfig can read no other). */
function configKeys(): Set<string> {
  return new Set(CONFIG_ENV_VARS.map((spec) => spec.name));
}

/** Field names not in the typed model (the OpenAPI schemas allow unknown fields; the API server drops them). */
function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1], `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value as Obj)) unknownFields(item, map[1], `${path}.${key}`, problems);
    return;
  }
  const model = (
    k8s as unknown as Record<string, { getAttributeTypeMap?: () => Array<{ baseName: string; type: string }> }>
  )[type];
  if (!model?.getAttributeTypeMap || typeof value !== 'object') return;
  const attributes = model.getAttributeTypeMap();
  for (const [key, item] of Object.entries(value as Obj)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) problems.push(`${path}.${key} is not a field of ${type}`);
    else unknownFields(item, attribute.type, `${path}.${key}`, problems);
  }
}

const modelType = (doc: Obj) => {
  const version = String(doc.apiVersion).split('/').pop()!;
  return `${version[0].toUpperCase()}${version.slice(1)}${doc.kind}`;
};

const podSpecs = () => ofKind('Deployment').map((d) => ({ deployment: d, pod: d.spec.template.spec as Obj }));

describe('Kubernetes manifests (deploy/base)', () => {
  test('every manifest is valid against the Kubernetes OpenAPI schema', () => {
    const input = manifests.map((m) => ({ id: label(m), doc: m.doc }));
    const output = execFileSync(process.execPath, [join(root, 'test', 'support', 'k8s-validate.mjs')], {
      cwd: root,
      input: JSON.stringify(input),
      encoding: 'utf8',
    });
    const results = JSON.parse(output) as Array<{ id: string; error?: string }>;
    expect(results).toHaveLength(manifests.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  test('the validator does reject an invalid object (so the check above means something)', () => {
    const broken = [
      {
        id: 'broken',
        doc: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'x' },
          spec: { replicas: 'two', template: {} },
        },
      },
    ];
    const output = execFileSync(process.execPath, [join(root, 'test', 'support', 'k8s-validate.mjs')], {
      cwd: root,
      input: JSON.stringify(broken),
      encoding: 'utf8',
    });
    const [result] = JSON.parse(output);
    expect(result.error).toContain('selector');
    expect(result.error).toContain('replicas must be integer');
  });

  test('no field is unknown to the typed Kubernetes models (typos would be dropped silently)', () => {
    const problems: string[] = [];
    for (const m of manifests) {
      const type = modelType(m.doc);
      expect((k8s as unknown as Obj)[type]?.getAttributeTypeMap).toBeDefined();
      unknownFields(m.doc, type, label(m), problems);
    }
    expect(problems).toEqual([]);
    const typo: string[] = [];
    unknownFields(
      { spec: { template: { spec: { containers: [{ name: 'c', livenesProbe: {} }] } } } },
      'V1Deployment',
      'probe',
      typo,
    );
    expect(typo).toEqual(['probe.spec.template.spec.containers[0].livenesProbe is not a field of V1Container']);
  });

  test('kustomization lists every manifest except the secret example, and each exists', () => {
    const kustomization = parseYaml(readFileSync(join(baseDir, 'kustomization.yaml'), 'utf8'));
    expect(kustomization.kind).toBe('Kustomization');
    for (const file of kustomization.resources) expect(existsSync(join(baseDir, file))).toBe(true);
    const files = readdirSync(baseDir).filter(
      (f) => f.endsWith('.yaml') && !['kustomization.yaml', 'secret.example.yaml'].includes(f),
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.images.map((i: Obj) => i.name)).toContain('healer');
  });

  test('the components, the standby pool, the HPA and the services are there', () => {
    const names = ofKind('Deployment')
      .map((d) => d.metadata.name)
      .sort();
    expect(names).toEqual([
      'healer-api',
      'healer-llm-worker',
      'healer-scanner',
      'healer-watchdog',
      'healer-worker',
      'healer-worker-standby',
    ]);
    for (const d of ofKind('Deployment')) {
      // the restart activities address Deployments as healer-<component>
      expect(d.metadata.name).toBe(`healer-${d.metadata.labels['app.kubernetes.io/component']}`);
      const args = d.spec.template.spec.containers[0].args;
      expect(d.spec.template.spec.containers[0].command).toEqual(['node', 'bin/healer.js']);
      expect(COMPONENTS).toContain(args[0]);
    }
    const standby = ofKind('Deployment').find((d) => d.metadata.name === 'healer-worker-standby')!;
    expect(standby.spec.replicas).toBe(0);
    const playbook = readFileSync(join(root, 'playbooks', 'emergency_healer_recovery.yaml'), 'utf8');
    expect(playbook).toContain('default: healer-worker-standby');

    const [hpa] = ofKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'healer-worker' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(ofKind('Deployment').find((d) => d.metadata.name === 'healer-worker')!.spec.replicas).toBeUndefined();

    for (const service of ofKind('Service')) {
      const pods = ofKind('Deployment').filter((d) =>
        Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(pods.length).toBeGreaterThan(0);
      for (const port of service.spec.ports) {
        for (const d of pods) {
          const ports = d.spec.template.spec.containers.flatMap((c: Obj) => c.ports ?? []);
          expect(ports.some((p: Obj) => p.name === port.targetPort || p.containerPort === port.targetPort)).toBe(true);
        }
      }
    }
  });

  test('every Deployment: selector matches its pods, probes, resources, non-root and locked down', () => {
    for (const { deployment, pod } of podSpecs()) {
      const name = deployment.metadata.name;
      for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels))
        expect(deployment.spec.template.metadata.labels[k]).toBe(v);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(25);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
        expect(container.livenessProbe).toBeDefined();
        expect(container.readinessProbe).toBeDefined();
        const portNames = (container.ports ?? []).map((p: Obj) => p.name);
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe].filter(
          Boolean,
        )) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          expect(portNames).toContain(port);
        }
        if (name === 'healer-api') expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
        else {
          expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'metrics' });
          expect(container.ports.find((p: Obj) => p.name === 'metrics').containerPort).toBe(9464);
        }
        // the state dir is a writable volume (the root filesystem is read-only)
        expect(container.volumeMounts.map((v: Obj) => v.mountPath)).toEqual(
          expect.arrayContaining(['/var/lib/healer', '/tmp']),
        );
      }
    }
  });

  test('RBAC: reads pods, logs, events and CodeRuns; restarts and scales Deployments; nothing else', () => {
    expect(ofKind('ClusterRole')).toEqual([]);
    expect(ofKind('ClusterRoleBinding')).toEqual([]);
    const allowed = new Set([
      ...['pods', 'pods/log', 'events'].flatMap((r) => ['get', 'list', 'watch'].map((v) => `/${r}:${v}`)),
      ...['get', 'list', 'watch'].map((v) => `events.k8s.io/events:${v}`),
      ...['get', 'list', 'watch'].map((v) => `agents.platform/coderuns:${v}`),
      'apps/deployments:get',
      'apps/deployments:patch',
      'apps/deployments/scale:get',
      'apps/deployments/scale:patch',
    ]);
    const granted = new Set<string>();
    for (const role of ofKind('Role')) {
      for (const rule of role.rules) {
        for (const group of rule.apiGroups)
          for (const resource of rule.resources)
            for (const verb of rule.verbs) granted.add(`${group}/${resource}:${verb}`);
      }
    }
    for (const grant of granted) expect(allowed).toContain(grant);
    expect([...granted].some((g) => g.includes('*'))).toBe(false);
    expect(granted).toContain('agents.platform/coderuns:list');
    expect(granted).toContain('/pods/log:get');
    expect(granted).toContain('apps/deployments/scale:patch');

    // only the watchdog may restart; the API and model worker get no token at all
    const restartBinding = ofKind('RoleBinding').find((b) => b.roleRef.name === 'healer-restart')!;
    expect(restartBinding.subjects.map((s: Obj) => s.name)).toEqual(['healer-watchdog']);
    const accounts = new Map(podSpecs().map(({ deployment, pod }) => [deployment.metadata.name, pod]));
    expect(accounts.get('healer-watchdog')!.serviceAccountName).toBe('healer-watchdog');
    for (const name of ['healer-api', 'healer-llm-worker']) {
      expect(accounts.get(name)!.serviceAccountName).toBe('healer-minimal');
      expect(accounts.get(name)!.automountServiceAccountToken).toBe(false);
    }
    const serviceAccounts = ofKind('ServiceAccount').map((s) => s.metadata.name);
    for (const pod of accounts.values()) expect(serviceAccounts).toContain(pod.serviceAccountName);
    for (const binding of ofKind('RoleBinding'))
      for (const subject of binding.subjects) expect(serviceAccounts).toContain(subject.name);
  });

  test('state that must outlive a pod is on PersistentVolumeClaims: scanner cursors and the audit log', () => {
    const claims = new Map(ofKind('PersistentVolumeClaim').map((c) => [c.metadata.name, c]));
    const durable = { 'healer-scanner': 'healer-scanner-state', 'healer-watchdog': 'healer-watchdog-audit' };
    for (const [name, claimName] of Object.entries(durable)) {
      const deployment = ofKind('Deployment').find((d) => d.metadata.name === name)!;
      const pod = deployment.spec.template.spec;
      // one writer: a single replica, the old pod gone before the new one mounts the volume
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
      const state = pod.volumes.find((v: Obj) => v.name === 'state');
      expect(state).toEqual({ name: 'state', persistentVolumeClaim: { claimName } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'state', mountPath: '/var/lib/healer' });
      const claim = claims.get(claimName)!;
      expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(claim.spec.resources.requests.storage).toMatch(/^\d+[MG]i$/);
    }
    // The configuration puts the cursors and the audit log under that mount.
    const env = ofKind('ConfigMap').find((c) => c.metadata.name === 'healer-env')!.data;
    const ctoConfig = join(mkdtempSync(join(tmpdir(), 'healer-deploy-')), 'cto-config.json');
    writeFileSync(
      ctoConfig,
      ofKind('ConfigMap').find((c) => c.metadata.name === 'healer-cto-config')!.data['cto-config.json'],
    );
    const config = loadConfig({ ...env, CTO_CONFIG: ctoConfig });
    expect(config.scanner.stateDir.startsWith('/var/lib/healer/')).toBe(true);
    expect(config.watchdog.auditLogPath.startsWith('/var/lib/healer/')).toBe(true);
    // Nothing else claims storage: the other components are stateless.
    const mounted = podSpecs().flatMap(({ pod }) =>
      pod.volumes.filter((v: Obj) => v.persistentVolumeClaim).map((v: Obj) => v.persistentVolumeClaim.claimName),
    );
    expect(mounted.sort()).toEqual([...claims.keys()].sort());
  });

  test('`kustomize build deploy/base` renders every listed manifest', () => {
    const kustomize = ensureKustomize();
    if (!kustomize)
      throw new Error(`kustomize not found on PATH and Go could not build it (go install ${KUSTOMIZE_MODULE})`);
    const rendered = parseAllDocuments(
      execFileSync(kustomize, ['build', baseDir], { encoding: 'utf8', maxBuffer: 1 << 24 }),
    ).map((d) => d.toJS() as Obj);
    const kinds = (docs: Obj[]) => docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(kinds(rendered)).toEqual(kinds(applied.map((m) => m.doc)));
    expect(rendered.every((d) => d.kind === 'Namespace' || d.metadata.namespace === 'healer')).toBe(true);
  });

  test('the API reads GITHUB_WEBHOOK_SECRET from the Secret', () => {
    const api = ofKind('Deployment').find((d) => d.metadata.name === 'healer-api')!;
    expect(api.spec.template.spec.containers[0].env).toContainEqual({
      name: 'GITHUB_WEBHOOK_SECRET',
      valueFrom: { secretKeyRef: { name: 'healer-secrets', key: 'GITHUB_WEBHOOK_SECRET', optional: true } },
    });
  });

  test('every env var the manifests set is one the config module reads', () => {
    const known = configKeys();
    expect(known).toContain('TEMPORAL_ADDRESS');
    expect(known).toContain('HEALER_API_TOKEN');
    for (const key of PENDING_CONFIG_KEYS)
      expect(
        known.has(key) ? `${key} is read by runtime/config now: remove it from PENDING_CONFIG_KEYS` : 'pending',
      ).toBe('pending');
    const allowed = new Set([...known, ...PENDING_CONFIG_KEYS]);
    const set = new Set<string>();
    for (const cm of ofKind('ConfigMap').filter((c) => c.metadata.name === 'healer-env'))
      Object.keys(cm.data).forEach((k) => set.add(k));
    for (const { pod } of podSpecs()) for (const c of pod.containers) for (const e of c.env ?? []) set.add(e.name);
    const secret = manifests.find((m) => m.file === 'secret.example.yaml')!.doc;
    Object.keys(secret.stringData).forEach((k) => set.add(k));
    expect([...set].filter((k) => !allowed.has(k))).toEqual([]);
    // references resolve: the env ConfigMap, the cto-config ConfigMap, the Secret keys
    const configMaps = ofKind('ConfigMap').map((c) => c.metadata.name);
    for (const { pod } of podSpecs()) {
      for (const c of pod.containers) {
        for (const from of c.envFrom) expect(configMaps).toContain(from.configMapRef.name);
        for (const e of c.env ?? []) expect(Object.keys(secret.stringData)).toContain(e.valueFrom.secretKeyRef.key);
      }
      for (const volume of pod.volumes.filter((v: Obj) => v.configMap))
        expect(configMaps).toContain(volume.configMap.name);
    }
    const ctoConfig = ofKind('ConfigMap').find((c) => c.metadata.name === 'healer-cto-config')!;
    expect(() => JSON.parse(ctoConfig.data['cto-config.json'])).not.toThrow();
  });
});

describe('docker-compose.temporal.yml and Dockerfile', () => {
  const compose = parseYaml(readFileSync(join(root, 'docker-compose.temporal.yml'), 'utf8'), { merge: true });
  const services = compose.services as Record<string, Obj>;

  test('Temporal with PostgreSQL, the UI, admin tools and Healer services', () => {
    expect(Object.keys(services).sort()).toEqual([
      'healer-api',
      'healer-llm-worker',
      'healer-watchdog',
      'healer-worker',
      'postgresql',
      'temporal',
      'temporal-admin-tools',
      'temporal-ui',
    ]);
    expect(services.postgresql.image).toMatch(/^postgres:/);
    expect(services.temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-admin-tools'].image).toMatch(/^temporalio\/admin-tools:/);
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build).toBeDefined();
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(Object.keys(services)).toContain(dependency);
      for (const port of service.ports ?? []) expect(String(port)).toMatch(/^\d{1,5}:\d{1,5}$/);
      expect(name).toMatch(/^[a-z0-9-]+$/);
    }
    const published = Object.values(services).flatMap((s) => (s.ports ?? []).map((p: string) => p.split(':')[0]));
    expect(new Set(published).size).toBe(published.length);
    expect(published).toEqual(expect.arrayContaining(['7233', '8080', '8083']));
  });

  test('admin tools register every Healer search attribute with its type', () => {
    const command = services['temporal-admin-tools'].command.join(' ');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES))
      expect(command).toContain(`--name ${name} --type ${type}`);
  });

  test('Healer services run `node bin/healer.js <component>` from the Dockerfile image after setup', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/^USER 10001/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/healer.js"\]$/m);
    const known = new Set([...configKeys(), ...PENDING_CONFIG_KEYS]);
    const healer = Object.entries(services).filter(([name]) => name.startsWith('healer-'));
    expect(healer.filter(([, s]) => s.build).map(([n, s]) => [n, s.build.dockerfile])).toEqual([
      ['healer-api', 'Dockerfile'],
    ]);
    for (const [, service] of healer) {
      expect(service.image).toBe('healer:local');
      expect(COMPONENTS).toContain(service.command[0]);
      expect(service.depends_on['temporal-admin-tools']).toEqual({ condition: 'service_completed_successfully' });
      expect(service.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(Object.keys(service.environment).filter((k) => !known.has(k))).toEqual([]);
    }
  });
});

describe('dashboards and alerts (deploy/observability)', () => {
  const dir = join(root, 'deploy', 'observability');
  const rules = parseYaml(readFileSync(join(dir, 'healer-alerts.yaml'), 'utf8')) as { groups: Obj[] };
  const dashboard = JSON.parse(readFileSync(join(dir, 'healer-dashboard.json'), 'utf8')) as Obj;
  const alerts = rules.groups.flatMap((g) => g.rules as Obj[]);
  const queries = [
    ...alerts.map((r) => ({ where: `alert ${r.alert}`, expr: String(r.expr) })),
    ...dashboard.panels.flatMap((p: Obj) =>
      p.targets.map((t: Obj) => ({ where: `panel "${p.title}" ${t.refId}`, expr: String(t.expr) })),
    ),
  ];

  /** Syntax errors the PromQL grammar (Prometheus' own, @prometheus-io/lezer-promql) finds in `expr`. */
  function promqlErrors(expr: string): string[] {
    const errors: string[] = [];
    promql.parse(expr).iterate({
      enter: (node) => {
        if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(node.from, node.from + 20)}"`);
      },
    });
    return errors;
  }

  /** Series names the registry exposes: each metric, and a histogram's _bucket, _sum and _count. */
  async function exposedNames(): Promise<Set<string>> {
    const metrics = createMetrics({ defaultMetrics: false });
    const names = new Set<string>();
    for (const metric of await metrics.registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
    }
    return names;
  }

  test('every expression parses as PromQL (and the check does reject a broken one)', () => {
    expect(queries.length).toBeGreaterThan(15);
    expect(
      queries.filter((q) => promqlErrors(q.expr).length).map((q) => `${q.where}: ${promqlErrors(q.expr)}`),
    ).toEqual([]);
    expect(promqlErrors('sum(rate(healer_detections_total[5m])')).not.toEqual([]);
    expect(promqlErrors('sum by (code) rate(healer_detections_total[5m]))')).not.toEqual([]);
  });

  test('every healer_* series an expression names is one the metrics registry exposes', async () => {
    const names = await exposedNames();
    const unknown = queries.flatMap((q) =>
      [...q.expr.matchAll(/\bhealer_[a-z0-9_]+/g)]
        .map((m) => m[0])
        .filter((n) => !names.has(n))
        .map((n) => `${q.where}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(names).toContain('healer_chain_step_duration_seconds_bucket');
  });

  test("the labels an expression selects or groups by are its metrics' own (or component, le)", () => {
    const { registry } = createMetrics({ defaultMetrics: false });
    const labelsOf = (name: string): string[] => {
      const metric = registry.getSingleMetric(name.replace(/_(bucket|sum|count)$/, '')) as unknown as
        { labelNames: string[] } | undefined;
      return metric?.labelNames ?? [];
    };
    const problems: string[] = [];
    let checked = 0;
    for (const q of queries) {
      const allowed = new Set([
        'component',
        'le',
        ...[...q.expr.matchAll(/\bhealer_[a-z0-9_]+/g)].flatMap((m) => labelsOf(m[0])),
      ]);
      const used = [
        ...[...q.expr.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]),
        ...[...q.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l: string) => l.trim())),
      ];
      for (const label of used) if (!allowed.has(label)) problems.push(`${q.where}: ${label}`);
      checked += used.length;
    }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  test('the alerts the issue asks for, each with a severity, a summary and a valid `for`', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'HealerComponentSilent',
      'HealerModelBudgetHigh',
      'HealerModelFailureRateHigh',
      'HealerScannerLagging',
      'HealerWatchdogDown',
      'HealerWatchdogEscalated',
    ]);
    for (const alert of alerts) {
      expect(['warning', 'critical']).toContain(alert.labels.severity);
      expect(alert.annotations.summary).toEqual(expect.any(String));
      if (alert.for !== undefined) expect(alert.for).toMatch(/^\d+[smh]$/);
    }
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    expect(byName.get('HealerModelFailureRateHigh')).toMatchObject({ for: '1h' });
    expect(byName.get('HealerModelFailureRateHigh')!.expr).toMatch(/> 0\.10\s*$/);
    expect(byName.get('HealerModelBudgetHigh')!.expr).toMatch(/> 0\.8$/);
    expect(byName.get('HealerScannerLagging')!.expr).toMatch(/> 60$/);
  });

  test('the dashboard: Grafana JSON with the panels the issue asks for, on a datasource variable', () => {
    expect(dashboard).toMatchObject({ title: 'Healer', uid: 'healer-overview', schemaVersion: expect.any(Number) });
    expect(dashboard.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    const titles = dashboard.panels.map((p: Obj) => p.title).join('\n');
    for (const topic of [
      /Sessions/,
      /Detections by code/,
      /Incidents by outcome/,
      /chain step latency/,
      /failure rate vs the 10% target/,
      /budget/,
      /Watchdog restarts/,
    ])
      expect(titles).toMatch(topic);
    const ids = dashboard.panels.map((p: Obj) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.gridPos).toEqual({
        h: expect.any(Number),
        w: expect.any(Number),
        x: expect.any(Number),
        y: expect.any(Number),
      });
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });
});
