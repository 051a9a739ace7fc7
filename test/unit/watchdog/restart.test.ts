// Restart actions through the real @kubernetes/client-node against the fake Kubernetes API server.
import { AppsV1Api } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createRestartActivities,
  RESTART_KEY_ANNOTATION,
  RESTARTED_AT_ANNOTATION,
} from '../../../activities/watchdog/restart';
import type { StepContext } from '../../../core/watchdog/playbook/types';
import { kubeConfigFor, startFakeKubernetes, type FakeKubernetes } from '../../fakes/kubernetes';

const context = (key: string): StepContext => ({
  playbook: 'healer_mutual_restart',
  run: 'pb-1',
  stepId: 'restart_failed',
  namespace: 'cto',
  watchdogWorkflowId: 'watchdog-cto',
  key,
  runStartedAt: '2026-01-01T00:00:00.000Z',
  now: '2026-01-01T00:00:01.000Z',
  sloExceeded: false,
  steps: [],
});

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'cto' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'healer' }] } },
  },
});

let fake: FakeKubernetes;
let activities: ReturnType<typeof createRestartActivities>;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  fake = await startFakeKubernetes();
  const apps = kubeConfigFor(fake).makeApiClient(AppsV1Api);
  activities = createRestartActivities({
    kube: { apps, namespace: 'cto' },
    now: () => new Date('2026-01-01T00:00:02.000Z'),
  });
});
afterAll(() => fake.close());

test('rollout-restarts a Deployment once per action key, like kubectl rollout restart', async () => {
  fake.addDeployment(deployment('healer-scanner', 1));
  const first = await env.run(activities.restartComponent, {
    params: { component: 'scanner' },
    context: context('pb-1/restart_failed'),
  });
  expect(first).toEqual({
    component: 'scanner',
    via: 'kubernetes',
    target: 'cto/healer-scanner',
    alreadyApplied: false,
  });
  const annotations = (
    fake.getDeployment('cto', 'healer-scanner')!.spec as {
      template: { metadata: { annotations: Record<string, string> } };
    }
  ).template.metadata.annotations;
  expect(annotations).toEqual({
    [RESTARTED_AT_ANNOTATION]: '2026-01-01T00:00:02.000Z',
    [RESTART_KEY_ANNOTATION]: 'pb-1/restart_failed',
  });

  // A retry of the same action does not restart again; a new action does.
  const patchesBefore = fake.requests.filter((r) => r.method === 'PATCH').length;
  const retry = (await env.run(activities.restartComponent, {
    params: { component: 'scanner' },
    context: context('pb-1/restart_failed'),
  })) as { alreadyApplied: boolean };
  expect(retry.alreadyApplied).toBe(true);
  expect(fake.requests.filter((r) => r.method === 'PATCH').length).toBe(patchesBefore);
  const next = (await env.run(activities.restartComponent, {
    params: { component: 'scanner' },
    context: context('pb-2/restart_failed'),
  })) as { alreadyApplied: boolean };
  expect(next.alreadyApplied).toBe(false);
});

test('scales the standby pool up and back down, reporting the previous size', async () => {
  fake.addDeployment(deployment('healer-worker-standby', 0));
  const up = await env.run(activities.scaleStandby, {
    params: { deployment: 'healer-worker-standby', replicas: 2 },
    context: context('pb-3/delegate'),
  });
  expect(up).toMatchObject({ replicas: 2, previousReplicas: 0, via: 'kubernetes' });
  expect((fake.getDeployment('cto', 'healer-worker-standby')!.spec as { replicas: number }).replicas).toBe(2);
  const down = await env.run(activities.scaleStandby, {
    params: { deployment: 'healer-worker-standby', replicas: 0 },
    context: context('pb-3/revoke_delegation'),
  });
  expect(down).toMatchObject({ replicas: 0, previousReplicas: 2 });
  expect((fake.getDeployment('cto', 'healer-worker-standby')!.spec as { replicas: number }).replicas).toBe(0);
});

test('a missing Deployment is a non-retryable error naming it', async () => {
  await expect(
    env.run(activities.restartComponent, { params: { component: 'ghost' }, context: context('pb-4/restart') }),
  ).rejects.toMatchObject({
    nonRetryable: true,
    message: expect.stringMatching(/Deployment cto\/healer-ghost not found/),
  });
});
