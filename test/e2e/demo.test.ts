// The README's main job, as a user runs it: the built CLI starts a dev server, worker and API,
// starts the sample session and shows it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports';

const root = join(__dirname, '..', '..');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'healer.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
}, 180_000);

test('healer demo --exit starts the stack, a sample session, and heals it in dry run', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'healer-demo-'));
  const temporalPort = await freePort();
  const env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    HEALER_PORT: String(await freePort()),
    HEALER_STATE_DIR: stateDir,
    HEALER_SUPERVISOR_PORT: '0',
  };
  const result = await run(['demo', '--exit'], env);
  expect(result.stderr).toContain(`starting a Temporal dev server on 127.0.0.1:${temporalPort}`);
  expect(result.code).toBe(0);
  // Every supervised component stayed up for the whole demo.
  expect(result.stderr).not.toMatch(/\[supervisor\] \S+ stopped/);
  expect(result.stdout).toMatch(
    /Sample session demo-\d{14} started: status active, 3 agents \(rex, cleo, tess\), 3 tasks\./,
  );
  expect(result.stdout).toContain(`Temporal UI:  http://127.0.0.1:${temporalPort + 1000}`);
  expect(result.stdout).toMatch(/Pushed 11 lines of examples\/agent\.log: 4 detections, \d+ incidents\./);
  expect(result.stdout).toMatch(/session demo-\d{14} {2}\[active\] {2}5dlabs\/cto-demo/);
  // Each incident shows its dry-run issue and where it ended: rex's failures from agent.log, cleo's missing
  // tool (A10) and the multi-agent tools-server outage (tess's R2, rex's A12 linked to it).
  const incidents = result.stdout.split('\n').filter((l) => l.trim().startsWith('incident incident-demo-'));
  const codes = incidents.map((line) => /: (\w+) \w+ ×/.exec(line)?.[1]);
  expect(codes).toEqual(expect.arrayContaining(['A10', 'A12', 'R1', 'R2', 'R5']));
  for (const line of incidents) expect(line).toMatch(/issue \(dry run\) \[Healer (R1|R2|R5|A10|A12)\] /);
  // The pre-flight checklist with its evidence, the linked incidents, and the CI failure healed.
  expect(result.stdout).toMatch(
    /fail +remote tools accessible — toolInventory: missing remote tools github_create_pull_request_review/,
  );
  expect(result.stdout).toMatch(/Multi-agent failure: rex's A12 incident is linked to incident-demo-/);
  expect(result.stdout).toMatch(/### Log window \(redacted\)/);
  expect(result.stdout).toMatch(/CI failure on the agent's PR: incident incident-demo-\S+ \(C\d\) resolved/);
  // The token planted in examples/agent.log is never shown.
  expect(result.stdout).not.toContain('ghp_Zx81kQm2Lw0aPq7Rt5Vy3Nc9Hb4Jd6Fs1Ge8');
}, 180_000);
