// Which sources the scanner runs, from the configuration alone (the environment goes through loadConfig).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../../runtime/config';
import { sourcesFromConfig } from '../../../scanner/scanner';
import { StateStore } from '../../../scanner/state';

const dir = mkdtempSync(join(tmpdir(), 'healer-sources-'));
const state = new StateStore(join(dir, 'state'));
// A kubeconfig is only read here; no source connects until it runs.
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:1' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
);

const names = (env: Record<string, string>): string[] =>
  sourcesFromConfig(loadConfig({ HEALER_STATE_DIR: dir, ...env }), state, new PassThrough()).map((s) => s.name);

test('nothing configured: no source', () => {
  expect(names({})).toEqual([]);
});

test('Loki and a followed file, with their settings', () => {
  expect(
    names({ LOKI_URL: 'http://loki:3100', LOKI_QUERY: '{app="agents"}', HEALER_LOG_FILE: '/var/log/a.log' }),
  ).toEqual(['loki:{app="agents"}', 'file:/var/log/a.log']);
  expect(names({ HEALER_LOG_FILE: '-' })).toEqual(['file:-']);
});

test('Kubernetes pod logs and state with a kubeconfig; pod logs off when Loki collects them or when told', () => {
  const k8s = { KUBECONFIG: kubeconfig, HEALER_NAMESPACE: 'agents', HEALER_SCANNER_LABEL_SELECTOR: 'team=a' };
  expect(names(k8s)).toEqual(['kubernetes-logs:agents/team=a', 'kubernetes-state:agents']);
  expect(names({ ...k8s, LOKI_URL: 'http://loki:3100' })).toEqual([
    'loki:{namespace="cto"}',
    'kubernetes-state:agents',
  ]);
  expect(names({ ...k8s, HEALER_SCANNER_POD_LOGS: 'false' })).toEqual(['kubernetes-state:agents']);
});
