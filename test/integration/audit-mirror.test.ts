// The audit log mirrored into Temporal (`audit-<namespace>`), on the real dev server with the real
// watchdog worker: playbook steps are audited, the local file is deleted (another pod does not have it)
// and `healer audit verify --temporal` still verifies the chain; a retried append is mirrored once; a
// forged entry sent to the mirror makes the verification fail naming its seq.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, createAuditActivities } from '../../activities/watchdog/audit';
import { createAuditMirror } from '../../activities/watchdog/audit-mirror';
import { runAuditCommand } from '../../cli/audit';
import {
  auditEntriesQuery,
  auditEntrySignal,
  auditWorkflowId,
  watchdogWorkflowId,
  type AuditMirrorPage,
  type PlaybookInput,
  type PlaybookResult,
} from '../../core/contract';
import type { AuditEntry } from '../../core/watchdog/audit/entry';
import { runWatchdogWorker, type RunningWatchdogWorker } from '../../workers/watchdog';
import {
  closeTestConnections,
  eventually,
  testAddress,
  testClient,
  testNativeConnection,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

afterAll(() => closeTestConnections());

const PLAYBOOK = {
  file: 'playbooks/mirror_check.yaml',
  text: `name: mirror_check
slo: 60s
steps:
  - id: emergency_on
    action: set_emergency_mode
    params: { enabled: true, reason: "mirror test" }
  - id: emergency_off
    action: set_emergency_mode
    params: { enabled: false }
  - id: audit
    action: audit
    params: { message: "mirror check" }
`,
};

function verify(argv: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env };
  return runAuditCommand(['verify', ...argv], io).then((code) => ({ code, out, err }));
}

test('the audit log verifies from its Temporal mirror alone; a retry is mirrored once; a forgery is named', async () => {
  const client = await testClient();
  const taskQueue = uniqueTaskQueue('audit-mirror');
  const namespace = uniqueId('mirror').toLowerCase();
  const dir = mkdtempSync(join(tmpdir(), 'healer-audit-mirror-'));
  const auditLogPath = join(dir, 'audit.jsonl');
  const mirrorId = auditWorkflowId(namespace);
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HEALER_NAMESPACE: namespace,
    HEALER_STATE_DIR: dir,
    HEALER_AUDIT_LOG: auditLogPath,
  };
  const page = (): Promise<AuditMirrorPage> => client.workflow.getHandle(mirrorId).query(auditEntriesQuery, {});
  let watchdog: RunningWatchdogWorker | undefined;
  try {
    watchdog = await runWatchdogWorker({
      connection: await testNativeConnection(),
      client,
      taskQueue,
      namespace,
      components: [],
      auditLogPath,
      workflowBundle: { codePath: process.env.HEALER_TEST_WORKFLOW_BUNDLE! },
      workerOptions: { shutdownGraceTime: '1s' },
    });
    const input: PlaybookInput = {
      playbook: 'mirror_check',
      source: PLAYBOOK,
      params: {},
      namespace,
      watchdogWorkflowId: watchdogWorkflowId(namespace),
    };
    const result = (await client.workflow.execute('playbook', {
      taskQueue,
      workflowId: uniqueId('pb'),
      args: [input],
    })) as PlaybookResult;
    expect(result.outcome).toBe('succeeded');

    // A retried append (same key twice, as after a lost activity completion): one entry, mirrored once.
    const retry = createAuditActivities({
      log: new AuditLog(auditLogPath),
      mirror: createAuditMirror({ client, namespace, taskQueue }),
    });
    const action = {
      key: `${result.workflowId}/retried`,
      actor: 'test',
      action: 'retry',
      target: 'x',
      result: 'info',
    } as const;
    const once = await retry.appendAudit(action);
    expect(await retry.appendAudit(action)).toEqual(once);

    const fileEntries = readFileSync(auditLogPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(fileEntries.map((e) => e.action)).toEqual([
      'mirror_check.emergency_on',
      'mirror_check.emergency_off',
      'playbook.summary',
      'retry',
    ]);
    const mirrored = await eventually(page, (p) => p.count === fileEntries.length);
    expect(mirrored.entries).toEqual(fileEntries);
    expect(mirrored.entries.filter((e) => e.key === action.key)).toHaveLength(1);
    expect(mirrored).toMatchObject({ anchor: { seq: 0 }, breaks: [], breakCount: 0 });

    // Another pod: no file here. The mirror alone verifies, with --temporal or by falling back to it.
    rmSync(auditLogPath);
    const fromMirror = await verify(['--temporal'], env);
    expect(fromMirror).toMatchObject({ code: 0, err: '' });
    expect(fromMirror.out).toContain(`audit mirror ${mirrorId}: ok, 4 entries, chain intact (from anchor seq 0`);
    const fallback = await verify([], env);
    expect(fallback.code).toBe(0);
    expect(fallback.out).toContain(`no audit log at ${auditLogPath}`);
    expect(fallback.out).toContain(`audit mirror ${mirrorId}: ok, 4 entries`);

    // A forged entry: links onto the last one by seq and prevHash, but its hash is not its content's.
    const last = fileEntries.at(-1)!;
    const forged: AuditEntry = { ...last, seq: last.seq + 1, key: 'forged', prevHash: last.hash, hash: 'f'.repeat(64) };
    await client.workflow.getHandle(mirrorId).signal(auditEntrySignal, forged);
    await eventually(page, (p) => p.count === fileEntries.length + 1);
    const broken = await verify(['--temporal'], env);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      new RegExp(
        `audit mirror ${mirrorId}: BROKEN at entry ${forged.seq}: content does not match its hash.*4 entries before it are intact`,
      ),
    );
  } finally {
    for (const id of [watchdogWorkflowId(namespace), mirrorId])
      await client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    await watchdog?.shutdown();
  }
}, 120_000);

test('verify --temporal exits 2 when there is no mirror, and FILE with --temporal is a usage error', async () => {
  const env = { TEMPORAL_ADDRESS: testAddress(), HEALER_NAMESPACE: uniqueId('none').toLowerCase() };
  const missing = await verify(['--temporal'], env);
  expect(missing.code).toBe(2);
  expect(missing.err).toMatch(/cannot read audit mirror audit-none-.*no such workflow/);
  const both = await verify(['some.jsonl', '--temporal'], env);
  expect(both.code).toBe(2);
  expect(both.err).toContain('give FILE or --temporal, not both');
});
