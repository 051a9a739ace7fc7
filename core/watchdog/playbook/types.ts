// A validated playbook: plain data, so it can travel through Temporal as an activity result.
import type { ParamType } from './actions';

export interface PlaybookParameter {
  name: string;
  type: ParamType;
  required: boolean;
  default?: unknown;
  description?: string;
}

export interface RetrySpec {
  /** Total tries, including the first. */
  attempts: number;
  /** Fixed pause between tries. */
  intervalMs: number;
}

export interface PlaybookStep {
  id: string;
  action: string;
  description?: string;
  /** Parameter values; strings may hold `{{ name }}` templates over the playbook parameters. */
  params: Record<string, unknown>;
  timeoutMs: number;
  retry: RetrySpec;
  /** Runs even after an earlier step failed or the SLO ran out (e.g. revoking a delegation). */
  always: boolean;
  /** Name of a string-list parameter: the step runs once per item (`{{ item }}`), each with its own retries. */
  forEach?: string;
  /** 1-based line of the step in its file, for messages. */
  line: number;
}

export interface Playbook {
  name: string;
  description?: string;
  file: string;
  /** Service-level objective for the whole run; overrunning it escalates. */
  sloMs: number;
  parameters: PlaybookParameter[];
  steps: PlaybookStep[];
}

/** What the interpreter tells every step activity besides its parameters. */
export interface StepContext {
  playbook: string;
  /** Workflow id of the playbook run. */
  run: string;
  stepId: string;
  /** The current item of a `for_each` step. */
  item?: string;
  namespace: string;
  /** The watchdog workflow that owns the components' heartbeat state. */
  watchdogWorkflowId: string;
  /** Idempotency key of this action: `<run>/<step>[/<item>]`. */
  key: string;
  runStartedAt: string;
  /** When the failure that started the run was detected (for the recovery time). */
  triggeredAt?: string;
  /** Workflow time when the step was scheduled. */
  now: string;
  sloExceeded: boolean;
  /** Outcomes of the steps so far. */
  steps: StepOutcome[];
}

export interface StepRequest<P = Record<string, unknown>> {
  params: P;
  context: StepContext;
}

export interface StepOutcome {
  stepId: string;
  item?: string;
  status: 'succeeded' | 'failed' | 'skipped';
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  result?: unknown;
}
