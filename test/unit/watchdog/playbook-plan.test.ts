import {
  isHalted,
  nextStep,
  outcomeOf,
  scalePlaybook,
  skippedSteps,
  type RunState,
  type StepRecord,
} from '../../../core/watchdog/playbook/plan';
import {
  renderStepParams,
  resolveParameters,
  stepItems,
  TemplateError,
} from '../../../core/watchdog/playbook/template';
import type { Playbook, PlaybookStep } from '../../../core/watchdog/playbook/types';

const step = (id: string, always = false): PlaybookStep => ({
  id,
  action: 'audit',
  params: {},
  timeoutMs: 1000,
  retry: { attempts: 1, intervalMs: 0 },
  always,
  line: 1,
});
const playbook: Playbook = {
  name: 'p',
  file: 'p.yaml',
  sloMs: 10_000,
  parameters: [],
  steps: [step('enter'), step('delegate'), step('restart'), step('revoke', true), step('verify'), step('audit', true)],
};

/** Drive the plan to the end, failing the steps named in `failing`; returns the order steps ran in. */
function run(failing: string[], sloExceededAfter?: string): { order: string[]; state: RunState } {
  const state: RunState = { records: [], sloExceeded: false };
  const order: string[] = [];
  for (let next = nextStep(playbook, state); next; next = nextStep(playbook, state)) {
    order.push(next.id);
    const record: StepRecord = { stepId: next.id, status: failing.includes(next.id) ? 'failed' : 'succeeded' };
    state.records.push(record);
    if (next.id === sloExceededAfter) state.sloExceeded = true;
  }
  return { order, state };
}

describe('playbook step order', () => {
  it('runs every step in order when nothing fails', () => {
    const { order, state } = run([]);
    expect(order).toEqual(['enter', 'delegate', 'restart', 'revoke', 'verify', 'audit']);
    expect(outcomeOf(state)).toBe('succeeded');
    expect(skippedSteps(playbook, state)).toEqual([]);
  });

  it('after a failed step runs only the always steps still to come, once each', () => {
    const { order, state } = run(['delegate']);
    expect(order).toEqual(['enter', 'delegate', 'revoke', 'audit']);
    expect(outcomeOf(state)).toBe('failed');
    expect(isHalted(state)).toBe(true);
    expect(skippedSteps(playbook, state).map((s) => s.id)).toEqual(['restart', 'verify']);
  });

  it('a failing always step does not restart the normal steps', () => {
    const { order } = run(['restart', 'revoke']);
    expect(order).toEqual(['enter', 'delegate', 'restart', 'revoke', 'audit']);
  });

  it('an SLO overrun halts like a failure and is reported as such', () => {
    const { order, state } = run([], 'enter');
    expect(order).toEqual(['enter', 'revoke', 'audit']);
    expect(outcomeOf(state)).toBe('slo_exceeded');
  });

  it('scales durations for short test timers, keeping a floor on timeouts', () => {
    const scaled = scalePlaybook(
      { ...playbook, steps: [{ ...step('x'), timeoutMs: 20_000, retry: { attempts: 3, intervalMs: 10_000 } }] },
      0.01,
      500,
    );
    expect(scaled.sloMs).toBe(100);
    expect(scaled.steps[0].timeoutMs).toBe(500);
    expect(scaled.steps[0].retry).toEqual({ attempts: 3, intervalMs: 100 });
  });
});

describe('templates', () => {
  const withParams: Playbook = {
    ...playbook,
    parameters: [
      { name: 'failed', type: 'string', required: true },
      { name: 'components', type: 'string[]', required: true },
      { name: 'replicas', type: 'number', required: false, default: 2 },
    ],
  };

  it('fills defaults and keeps the type of a whole-value template', () => {
    const values = resolveParameters(withParams, { failed: 'scanner', components: ['scanner', 'worker'] });
    const rendered = renderStepParams(
      {
        ...step('s'),
        params: { n: '{{ replicas }}', list: '{{components}}', text: 'restart {{ failed }} of {{ components }}' },
      },
      values,
    );
    expect(rendered).toEqual({ n: 2, list: ['scanner', 'worker'], text: 'restart scanner of scanner,worker' });
  });

  it('names every missing or mistyped parameter before a run starts', () => {
    expect(() => resolveParameters(withParams, { components: 'scanner', extra: 1 })).toThrow(
      /missing required parameter "failed".*components" must be string\[\].*unknown parameter "extra"/,
    );
  });

  it('expands for_each steps into one run per item with {{ item }}', () => {
    const forEach: PlaybookStep = { ...step('each'), forEach: 'components', params: { component: '{{ item }}' } };
    const values = { components: ['scanner', 'worker'] };
    const items = stepItems(forEach, values);
    expect(items).toEqual(['scanner', 'worker']);
    expect(items.map((item) => renderStepParams(forEach, values, item))).toEqual([
      { component: 'scanner' },
      { component: 'worker' },
    ]);
    expect(stepItems(step('plain'), values)).toEqual([undefined]);
    expect(() => renderStepParams({ ...step('x'), params: { a: '{{ nope }}' } }, values)).toThrow(TemplateError);
  });
});
