import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlaybook, PlaybookLoadError } from '../../../core/watchdog/playbook/loader';

const PLAYBOOKS = join(__dirname, '../../../playbooks');
const read = (name: string): string => readFileSync(join(PLAYBOOKS, name), 'utf8');

function problemsOf(text: string, file = 'bad.yaml'): Array<{ file: string; line: number; message: string }> {
  try {
    loadPlaybook(text, file);
  } catch (error) {
    if (error instanceof PlaybookLoadError) return error.problems;
    throw error;
  }
  throw new Error('expected a load error');
}

const VALID = `name: t
slo: 30s
parameters:
  target: { type: string, required: true }
steps:
  - id: restart
    action: restart_component
    params:
      component: "{{ target }}"
    timeout: 10s
    retry: { attempts: 3, interval: 2s }
`;

describe('loadPlaybook', () => {
  it('loads the shipped mutual-restart playbook with its SLO, steps and retries', () => {
    const playbook = loadPlaybook(read('healer_mutual_restart.yaml'), 'playbooks/healer_mutual_restart.yaml');
    expect(playbook.name).toBe('healer_mutual_restart');
    expect(playbook.sloMs).toBe(60_000);
    expect(playbook.steps.map((s) => s.id)).toEqual([
      'verify_recovering_side',
      'restart_failed',
      'verify_back',
      'verify_both',
      'audit',
    ]);
    const verifyBack = playbook.steps.find((s) => s.id === 'verify_back')!;
    expect(verifyBack.retry).toEqual({ attempts: 3, intervalMs: 10_000 });
    expect(verifyBack.line).toBeGreaterThan(1);
  });

  it('loads the shipped emergency playbook: revocation always runs, restarts are per component', () => {
    const playbook = loadPlaybook(read('emergency_healer_recovery.yaml'), 'playbooks/emergency_healer_recovery.yaml');
    expect(playbook.sloMs).toBe(120_000);
    expect(playbook.steps.map((s) => s.id)).toEqual([
      'enter_emergency_mode',
      'delegate',
      'force_restart',
      'verify_each',
      'revoke_delegation',
      'leave_emergency_mode',
      'verify_mutual_recovery',
      'audit',
    ]);
    expect(playbook.steps.find((s) => s.id === 'revoke_delegation')!.always).toBe(true);
    const restart = playbook.steps.find((s) => s.id === 'force_restart')!;
    expect(restart.forEach).toBe('components');
    expect(restart.retry.attempts).toBe(3);
    expect(playbook.steps.find((s) => s.id === 'verify_each')!.retry).toEqual({ attempts: 5, intervalMs: 5000 });
    expect(playbook.parameters.find((p) => p.name === 'standby_replicas')).toMatchObject({
      default: 1,
      required: false,
    });
  });

  it('accepts a minimal valid playbook', () => {
    const playbook = loadPlaybook(VALID, 'ok.yaml');
    expect(playbook.steps[0]).toMatchObject({ id: 'restart', timeoutMs: 10_000, always: false, line: 6 });
  });

  it('rejects an unknown action naming file and line', () => {
    const problems = problemsOf(VALID.replace('restart_component', 'reboot_everything'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', line: 7 });
    expect(problems[0].message).toMatch(/unknown action "reboot_everything"/);
  });

  it('rejects a missing action parameter at the step line', () => {
    const problems = problemsOf(VALID.replace('      component: "{{ target }}"\n', '      force: true\n'));
    expect(problems).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringMatching(/missing parameter "component"/) }),
    ]);
  });

  it('rejects a template naming no parameter, at the line of the value', () => {
    const problems = problemsOf(VALID.replace('{{ target }}', '{{ tagret }}'));
    expect(problems).toEqual([
      expect.objectContaining({ line: 9, message: expect.stringMatching(/\{\{ tagret \}\} names no parameter/) }),
    ]);
  });

  it('rejects malformed templates and {{ item }} outside for_each', () => {
    expect(
      problemsOf(VALID.replace('{{ target }}', '{{ target'))
        .map((p) => p.message)
        .join(),
    ).toMatch(/unbalanced/);
    expect(problemsOf(VALID.replace('{{ target }}', '{{ item }}'))[0].message).toMatch(
      /only defined in a for_each step/,
    );
  });

  it('rejects a template whose parameter type does not fit the action', () => {
    const text = VALID.replace('target: { type: string', 'target: { type: number');
    expect(problemsOf(text)[0].message).toMatch(/is number, the action expects string/);
  });

  it('rejects unknown keys, bad durations, bad retries and duplicate ids, all at once, sorted by line', () => {
    const text = `name: t
slo: soon
steps:
  - id: a
    action: audit
    params: { message: hi, colour: blue }
    timeout: 10 parsecs
  - id: a
    action: audit
    params: { message: hi }
    retry: { attempts: 0 }
    alwys: true
`;
    const problems = problemsOf(text);
    expect(problems.map((p) => p.line)).toEqual([2, 6, 7, 8, 11, 12]);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/slo is required/);
    expect(problems[1].message).toMatch(/unknown parameter "colour"/);
    expect(problems[2].message).toMatch(/timeout must be a duration/);
    expect(problems[3].message).toMatch(/duplicate step id "a"/);
    expect(problems[4].message).toMatch(/retry.attempts/);
    expect(problems[5].message).toMatch(/unknown key "alwys"/);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('name: t\nslo: 10s\nsteps:\n  - id: a\n    action: [audit\n');
    expect(problems[0].message).toMatch(/^YAML:/);
    expect(problems[0].line).toBeGreaterThanOrEqual(5);
  });

  it('puts file and line in the error message', () => {
    expect(() => loadPlaybook(VALID.replace('restart_component', 'nope'), 'playbooks/x.yaml')).toThrow(
      /^playbooks\/x\.yaml:7: /,
    );
  });
});
