// The actions a playbook step may name. Each maps to one activity on the watchdog worker; the loader
// rejects any other action and any missing or unknown parameter, so a typo fails at load, not at 3 a.m.

export type ParamType = 'string' | 'number' | 'boolean' | 'string[]';

export interface ActionParamSpec {
  type: ParamType;
  required: boolean;
}

export interface ActionSpec {
  /** Name of the activity the playbook interpreter schedules. */
  activity: PlaybookActivityName;
  description: string;
  params: Record<string, ActionParamSpec>;
}

export type PlaybookActivityName =
  | 'verifyComponentHealthy'
  | 'verifyComponentsHeartbeating'
  | 'restartComponent'
  | 'scaleStandby'
  | 'setEmergencyMode'
  | 'recordPlaybookAudit';

const req = (type: ParamType): ActionParamSpec => ({ type, required: true });
const opt = (type: ParamType): ActionParamSpec => ({ type, required: false });

export const PLAYBOOK_ACTIONS: Record<string, ActionSpec> = {
  verify_healthy: {
    activity: 'verifyComponentHealthy',
    description: 'The component heartbeats and progresses (per the watchdog); fails otherwise so the step retries.',
    params: { component: req('string') },
  },
  verify_heartbeats: {
    activity: 'verifyComponentsHeartbeating',
    description: 'Every listed component heartbeats and progresses.',
    params: { components: req('string[]') },
  },
  restart_component: {
    activity: 'restartComponent',
    description: 'Restart one component (Kubernetes rollout restart, or the local supervisor in `healer dev`).',
    params: { component: req('string'), force: opt('boolean') },
  },
  scale_standby: {
    activity: 'scaleStandby',
    description: 'Scale the standby worker pool (delegation up, revocation down).',
    params: { deployment: req('string'), replicas: req('number') },
  },
  set_emergency_mode: {
    activity: 'setEmergencyMode',
    description: 'Enter or leave emergency mode on the watchdog (mutual restarts pause while it is on).',
    params: { enabled: req('boolean'), reason: opt('string') },
  },
  audit: {
    activity: 'recordPlaybookAudit',
    description: 'Write the playbook summary (steps, outcome, recovery time) to the audit log.',
    params: { message: req('string'), include_recovery_time: opt('boolean') },
  },
};

export function matchesType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}
