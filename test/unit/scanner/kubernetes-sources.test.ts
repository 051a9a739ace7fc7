import { CoreV1Api, CustomObjectsApi, AppsV1Api } from '@kubernetes/client-node';
import { kubernetesLogsSource } from '../../../scanner/sources/kubernetes-logs';
import { normaliseTimestamp } from '../../../scanner/sources/timestamp';
import { kubernetesStateSource } from '../../../scanner/sources/kubernetes-state';
import { FakeKubernetes, kubeConfigFor, startFakeKubernetes } from '../../fakes/kubernetes';
import { collect, lastPositions } from './helpers';

const pod = (name: string, labels: Record<string, string>, status: Record<string, unknown> = { phase: 'Running' }) => ({
  metadata: { name, namespace: 'cto', labels },
  spec: { containers: [{ name: 'agent' }] },
  status,
});

describe('fake Kubernetes API with the real client', () => {
  let k8s: FakeKubernetes;
  beforeEach(async () => {
    k8s = await startFakeKubernetes();
  });
  afterEach(() => k8s.close());

  it('serves pods, CodeRuns (create, patch status), events and deployments (restart annotation, scale)', async () => {
    const kc = kubeConfigFor(k8s);
    k8s.addPod(pod('rex-1', { agent: 'rex' }));
    k8s.addPod(pod('other', { agent: 'cleo' }));
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'cto', labelSelector: 'agent=rex' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['rex-1']);
    await expect(core.readNamespacedPod({ namespace: 'cto', name: 'missing' })).rejects.toMatchObject({ code: 404 });

    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'agents.platform',
      version: 'v1',
      namespace: 'cto',
      plural: 'coderuns',
      body: {
        apiVersion: 'agents.platform/v1',
        kind: 'CodeRun',
        metadata: { name: 'fix-1' },
        spec: { githubApp: '5DLabs-Rex' },
      },
    });
    await expect(
      custom.createNamespacedCustomObject({
        group: 'agents.platform',
        version: 'v1',
        namespace: 'cto',
        plural: 'coderuns',
        body: { metadata: { name: 'fix-1' } },
      }),
    ).rejects.toMatchObject({ code: 409 });
    k8s.modify(FakeKubernetes.coderunCollection(), 'cto', 'fix-1', (o) => (o.status = { phase: 'Running' }));
    const run = (await custom.getNamespacedCustomObject({
      group: 'agents.platform',
      version: 'v1',
      namespace: 'cto',
      plural: 'coderuns',
      name: 'fix-1',
    })) as { status: { phase: string }; metadata: { uid: string } };
    expect(run.status.phase).toBe('Running');
    expect(run.metadata.uid).toMatch(/^uid-/);

    k8s.addEvent({
      metadata: { name: 'e1', namespace: 'cto' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
    });
    expect((await core.listNamespacedEvent({ namespace: 'cto' })).items.map((e) => e.reason)).toEqual(['BackOff']);

    k8s.addDeployment({
      metadata: { name: 'healer-worker', namespace: 'cto' },
      spec: { replicas: 1, template: { metadata: { annotations: {} } } },
    });
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment({
      namespace: 'cto',
      name: 'healer-worker',
      body: [
        {
          op: 'add',
          path: '/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt',
          value: '2026-11-22T05:00:00Z',
        },
      ],
    });
    expect(
      (
        k8s.getDeployment('cto', 'healer-worker')!.spec as {
          template: { metadata: { annotations: Record<string, string> } };
        }
      ).template.metadata.annotations['kubectl.kubernetes.io/restartedAt'],
    ).toBe('2026-11-22T05:00:00Z');
    await apps.patchNamespacedDeploymentScale({
      namespace: 'cto',
      name: 'healer-worker',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    expect((await apps.readNamespacedDeploymentScale({ namespace: 'cto', name: 'healer-worker' })).spec?.replicas).toBe(
      3,
    );
  });
});

describe('kubernetes logs source', () => {
  let k8s: FakeKubernetes;
  beforeEach(async () => {
    k8s = await startFakeKubernetes();
  });
  afterEach(() => k8s.close());

  it('follows pods matching the selector as they come and go, keeping pod labels', async () => {
    k8s.addPod(pod('rex-a', { app: 'agent', 'play-id': '42', agent: 'rex' }));
    k8s.addPod(pod('unrelated', { app: 'db' }));
    k8s.appendLog('cto', 'rex-a', 'agent', 'rex starting');
    k8s.appendLog('cto', 'unrelated', 'agent', 'db line');
    const c = collect(
      kubernetesLogsSource({ kubeConfig: kubeConfigFor(k8s), namespace: 'cto', labelSelector: 'app=agent' }),
    );
    await c.until((r) => r.length === 1);
    k8s.appendLog('cto', 'rex-a', 'agent', 'Error: connect ECONNREFUSED 127.0.0.1:5432');
    k8s.addPod(pod('blaze-b', { app: 'agent', 'play-id': '42', agent: 'blaze' }));
    k8s.appendLog('cto', 'blaze-b', 'agent', 'blaze here');
    await c.until((r) => r.length === 3);
    k8s.deletePod('cto', 'rex-a');
    k8s.appendLog('cto', 'blaze-b', 'agent', 'blaze still here');
    await c.until((r) => r.length === 4);
    await c.stop();
    expect(c.lines().sort()).toEqual([
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      'blaze here',
      'blaze still here',
      'rex starting',
    ]);
    const rex = c.records.find((r) => r.kind === 'line' && r.line === 'rex starting');
    expect(rex).toMatchObject({
      stream: 'kubernetes-logs:cto/rex-a/agent',
      labels: { 'play-id': '42', agent: 'rex', pod: 'rex-a', container: 'agent', namespace: 'cto' },
    });
  });

  it('reconnects a dropped follow and a dropped watch without repeating lines', async () => {
    k8s.addPod(pod('rex-a', { app: 'agent' }));
    k8s.appendLog('cto', 'rex-a', 'agent', 'one');
    const c = collect(
      kubernetesLogsSource({ kubeConfig: kubeConfigFor(k8s), namespace: 'cto', labelSelector: 'app=agent' }),
    );
    await c.until((r) => r.length === 1);
    k8s.endLogFollowers('cto', 'rex-a', 'agent'); // e.g. the API server restarted
    k8s.dropWatches();
    k8s.appendLog('cto', 'rex-a', 'agent', 'two');
    await c.until((r) => r.length === 2);
    k8s.addPod(pod('rex-b', { app: 'agent' })); // seen through the re-established watch
    k8s.appendLog('cto', 'rex-b', 'agent', 'three');
    await c.until((r) => r.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    await c.stop();
    expect(c.lines()).toEqual(['one', 'two', 'three']);
  });

  it('resumes from a cursor after a restart, also within one second of timestamps', async () => {
    k8s.addPod(pod('rex-a', { app: 'agent' }));
    const t = '2026-11-22T04:00:00.';
    for (const [i, text] of ['a', 'b', 'c'].entries())
      k8s.appendLog('cto', 'rex-a', 'agent', text, `${t}${i}00000000Z`);
    const first = collect(kubernetesLogsSource({ kubeConfig: kubeConfigFor(k8s), namespace: 'cto' }));
    await first.until((r) => r.length === 3);
    await first.stop();
    const cursor = lastPositions(first.records.slice(0, 2));
    k8s.appendLog('cto', 'rex-a', 'agent', 'd', `${t}900000000Z`);
    const second = collect(kubernetesLogsSource({ kubeConfig: kubeConfigFor(k8s), namespace: 'cto' }), cursor);
    await second.until((r) => r.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    await second.stop();
    expect(second.lines()).toEqual(['c', 'd']);
    expect(k8s.requests.some((r) => r.path.endsWith('/log') && r.query.sinceTime === '2026-11-22T04:00:00Z')).toBe(
      true,
    );
  });

  it('normalises timestamps to a sortable form', () => {
    expect(normaliseTimestamp('2026-11-22T04:00:00.5Z')).toBe('2026-11-22T04:00:00.500000000Z');
    expect(normaliseTimestamp('2026-11-22T04:00:00Z')).toBe('2026-11-22T04:00:00.000000000Z');
  });
});

describe('kubernetes state source', () => {
  let k8s: FakeKubernetes;
  beforeEach(async () => {
    k8s = await startFakeKubernetes();
  });
  afterEach(() => k8s.close());

  it('raises A7 for crash loops and failed pods, A8 past the agent timeout, A9 from the CodeRun creation time', async () => {
    let now = new Date('2026-11-22T05:00:00Z');
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    k8s.addPod(
      pod(
        'rex-crash',
        { agent: 'rex', 'play-id': '42', 'task-id': '7' },
        {
          phase: 'Running',
          startTime: minutesAgo(2),
          containerStatuses: [{ name: 'agent', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        },
      ),
    );
    k8s.addPod(pod('cleo-slow', { agent: 'cleo', 'play-id': '42' }, { phase: 'Running', startTime: minutesAgo(16) }));
    k8s.addPod(pod('rex-fine', { agent: 'rex' }, { phase: 'Running', startTime: minutesAgo(40) }));
    const cr = FakeKubernetes.coderunCollection('v2');
    k8s.add(cr, {
      metadata: { name: 'stuck', namespace: 'cto', creationTimestamp: minutesAgo(11), labels: { 'play-id': '42' } },
      spec: { githubApp: '5DLabs-Tess' },
      status: { phase: 'Running' },
    });
    k8s.add(cr, {
      metadata: { name: 'young', namespace: 'cto', creationTimestamp: minutesAgo(2) },
      status: { phase: 'Running' },
    });
    k8s.add(cr, {
      metadata: { name: 'done', namespace: 'cto', creationTimestamp: minutesAgo(30) },
      status: { phase: 'Succeeded' },
    });

    const c = collect(
      kubernetesStateSource({
        kubeConfig: kubeConfigFor(k8s),
        namespace: 'cto',
        coderunVersion: 'v2',
        now: () => now,
        checkEveryMs: 50,
      }),
    );
    await c.until((r) => r.length >= 4);
    const keys = () =>
      c.records.map((r) =>
        r.kind === 'alert' ? `${r.detection.code}:${r.detection.patternId}:${r.detection.line.split(' ')[1]}` : '',
      );
    expect(keys().sort()).toEqual([
      'A7:a7-crashloopbackoff:rex-crash',
      'A7:a7-restarts:rex-crash',
      'A8:a8-timeout:cleo-slow',
      'A9:a9-stuck:stuck',
    ]);
    const a9 = c.records.find((r) => r.kind === 'alert' && r.detection.code === 'A9');
    expect(a9).toMatchObject({
      labels: { 'play-id': '42' },
      detection: { agent: 'tess', severity: 'high', source: 'kubernetes-state' },
    });

    // Time passes: the young CodeRun crosses 10 minutes; rex-fine crosses 45; a pod fails.
    now = new Date(now.getTime() + 9 * 60_000);
    k8s.modifyPod('cto', 'rex-crash', (p) => (p.status = { ...p.status, phase: 'Failed', reason: 'Error' }));
    await c.until((r) => r.length >= 7);
    await new Promise((r) => setTimeout(r, 200));
    await c.stop();
    expect(keys().slice(4).sort()).toEqual(['A7:a7-failed:rex-crash', 'A8:a8-timeout:rex-fine', 'A9:a9-stuck:young']);
    expect(c.records.length).toBe(7); // each alert raised once despite repeated checks
  });
});
