// Session operations over Temporal. Every read goes to Temporal (query, describe, visibility), never
// to a copy in process memory, so any API replica answers the same and a restart loses nothing.
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SessionInput, SessionStatus, Severity } from '../../core/contract';
import { sessionStaticDetails, sessionSummary } from '../../core/session/details';
import {
  endSignal,
  searchAttributes,
  sessionWorkflowId,
  statusQuery,
  TASK_QUEUE,
  type EndSignal,
  type SessionView,
} from '../../core/contract';
import type { SessionSettings, playSession } from '../../workflows/session/session';
import { conflict, notFound } from '../errors';

export interface SessionListItem {
  playId: string;
  workflowId: string;
  repository?: string;
  status: SessionStatus | 'unknown';
  alertCodes: string[];
  severity?: Severity;
  incidentCount: number;
  startedAt?: string;
  closedAt?: string;
}

export interface SessionServiceOptions {
  taskQueue?: string;
  settings?: SessionSettings;
  /** Temporal UI base URL and namespace, to give each session a link for issue bodies. */
  ui?: { url: string; namespace: string };
}

export class SessionService {
  readonly taskQueue: string;

  constructor(
    readonly client: Client,
    private readonly options: SessionServiceOptions = {},
  ) {
    this.taskQueue = options.taskQueue ?? TASK_QUEUE;
  }

  /** Starts `play-<play_id>`; a running session with that id is a conflict, a finished one may start again. */
  async start(input: SessionInput): Promise<{ workflowId: string; runId: string }> {
    const workflowId = sessionWorkflowId(input.playId);
    try {
      const handle = await this.client.workflow.start<typeof playSession>('playSession', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ session: input, settings: this.settingsFor(workflowId) }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: searchAttributes.playId, value: input.playId },
          { key: searchAttributes.repository, value: input.repository },
          { key: searchAttributes.status, value: 'active' },
          { key: searchAttributes.incidentCount, value: 0 },
        ],
        staticSummary: sessionSummary(input),
        staticDetails: sessionStaticDetails(input),
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw conflict(`session ${input.playId} is already active`);
      throw error;
    }
  }

  private settingsFor(workflowId: string): SessionSettings {
    const ui = this.options.ui;
    return {
      ...this.options.settings,
      ...(ui ? { sessionLink: `${ui.url}/namespaces/${ui.namespace}/workflows/${workflowId}` } : {}),
    };
  }

  /** The session's current view, or 404. */
  async get(playId: string): Promise<SessionView> {
    const handle = this.client.workflow.getHandle<typeof playSession>(sessionWorkflowId(playId));
    try {
      return await handle.query(statusQuery);
    } catch (error) {
      if (isNotFound(error)) throw notFound(`session ${playId}`);
      // A finished session can still answer from its result when the query cannot be served.
      const description = await handle.describe().catch(() => undefined);
      if (description?.status.name === 'COMPLETED') return handle.result();
      throw error;
    }
  }

  /** Temporal's description of the session's latest run, or 404. */
  async describe(playId: string) {
    try {
      return await this.client.workflow.getHandle(sessionWorkflowId(playId)).describe();
    } catch (error) {
      if (isNotFound(error)) throw notFound(`session ${playId}`);
      throw error;
    }
  }

  async end(playId: string, signal: EndSignal = {}): Promise<void> {
    const handle = this.client.workflow.getHandle(sessionWorkflowId(playId));
    try {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') throw conflict(`session ${playId} is not active`);
      await handle.signal(endSignal, signal);
    } catch (error) {
      if (isNotFound(error)) throw notFound(`session ${playId}`);
      throw error;
    }
  }

  /** Sessions from Temporal visibility (latest run of each play id), newest first. */
  async list(filter: { activeOnly?: boolean; limit?: number } = {}): Promise<SessionListItem[]> {
    let query = `WorkflowType = 'playSession'`;
    if (filter.activeOnly) query += ` AND ExecutionStatus = 'Running'`;
    const byId = new Map<string, SessionListItem>();
    const limit = filter.limit ?? 1000;
    for await (const execution of this.client.workflow.list({ query })) {
      if (!byId.has(execution.workflowId)) byId.set(execution.workflowId, toListItem(execution));
      if (byId.size >= limit) break;
    }
    return [...byId.values()];
  }
}

function toListItem(execution: WorkflowExecutionInfo): SessionListItem {
  const attrs = execution.typedSearchAttributes;
  const status = attrs.get(searchAttributes.status) as SessionStatus | undefined;
  const running = execution.status.name === 'RUNNING';
  const severity = attrs.get(searchAttributes.severity) as Severity | undefined;
  return {
    playId: attrs.get(searchAttributes.playId) ?? execution.workflowId.replace(/^play-/, ''),
    workflowId: execution.workflowId,
    repository: attrs.get(searchAttributes.repository),
    // A run that stopped without ending itself (terminated, timed out) is reported as such.
    status: running
      ? 'active'
      : status && status !== 'active'
        ? status
        : execution.status.name === 'COMPLETED'
          ? 'completed'
          : 'cancelled',
    alertCodes: attrs.get(searchAttributes.alertCodes) ?? [],
    ...(severity ? { severity } : {}),
    incidentCount: attrs.get(searchAttributes.incidentCount) ?? 0,
    startedAt: execution.startTime.toISOString(),
    ...(execution.closeTime ? { closedAt: execution.closeTime.toISOString() } : {}),
  };
}

const isNotFound = (error: unknown): boolean =>
  error instanceof WorkflowNotFoundError || (error as { name?: string } | undefined)?.name === 'WorkflowNotFoundError';
