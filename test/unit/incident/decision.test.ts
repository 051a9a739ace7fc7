import { decisionRefusal, type GateState } from '../../../core/incident/decision';

const atGate: GateState = { requireApproval: true, status: 'open', step: 'awaiting-approval' };

describe('decisionRefusal (the approve/reject validators)', () => {
  it('lets a decision through at the gate and while the gate is still ahead', () => {
    for (const step of ['gathering', 'evaluating', 'opening-issue', 'awaiting-approval'])
      expect(decisionRefusal({ ...atGate, step })).toBeUndefined();
  });

  it('refuses once remediation has begun or the incident is ending, naming the step', () => {
    for (const step of ['remediating', 'verifying', 'resolving', 'escalating'])
      expect(decisionRefusal({ ...atGate, step })).toBe(`the incident is past the approval gate (step ${step})`);
  });

  it('refuses a second decision: the first one wins', () => {
    expect(decisionRefusal({ ...atGate, decided: 'approved' })).toBe('the incident was already approved');
    expect(decisionRefusal({ ...atGate, decided: 'rejected', step: 'rejecting' })).toBe(
      'the incident was already rejected',
    );
  });

  it('refuses when the incident does not wait for approval', () => {
    expect(decisionRefusal({ ...atGate, requireApproval: false })).toMatch(/requireApproval is off/);
  });

  it('refuses on a finished incident, whatever else holds', () => {
    for (const status of ['resolved', 'escalated', 'rejected', 'failed'] as const)
      expect(decisionRefusal({ ...atGate, status, step: 'done' })).toBe(`the incident is finished (${status})`);
  });
});
