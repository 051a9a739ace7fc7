// Session operations over Temporal. Every read goes to Temporal (query, describe, visibility), never
// to a copy in process memory, so any API replica answers the same and a restart loses nothing. A read
// does not need a live worker: past a short wait it answers from Temporal's last-known state.
import {
  Client,
  isGrpcDeadlineError,
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
import { conflict, notFound, temporalHttpError } from '../errors';
import { lastKnownSessionView, type StaleSessionView } from './stale-view';
import { listSessionPage, type SessionPage, type SessionPageRequest } from './list';
import { SingleFlight } from '../../core/single-flight';

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
  /** Runs before each session starts, e.g. to start its repository's CI poller (idempotent; a failure fails the start). */
  beforeStart?: (input: SessionInput) => Promise<unknown>;
}

/** How long a read waits for a worker to answer the session's query before answering from last-known state. */
const LIVE_QUERY_MS = 1000;

export class SessionService {
  readonly taskQueue: string;
  private readonly pages = new SingleFlight<SessionPage<SessionListItem>>();

  constructor(
    readonly client: Client,
    private readonly options: SessionServiceOptions = {},
  ) {
    this.taskQueue = options.taskQueue ?? TASK_QUEUE;
  }

  /** Starts `play-<play_id>`; a running session with that id is a conflict, a finished one may start again. */
  async start(input: SessionInput): Promise<{ workflowId: string; runId: string }> {
    const workflowId = sessionWorkflowId(input.playId);
    await this.options.beforeStart?.(input);
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

  /**
   * The session's current view, or 404. When no worker answers the query in time (none running, or all
   * busy), the last-known view from Temporal itself with `stale: true` (api/session/stale-view.ts).
   * Temporal unreachable is not this: that error goes on (503).
   */
  async get(playId: string): Promise<SessionView | StaleSessionView> {
    const handle = this.client.workflow.getHandle<typeof playSession>(sessionWorkflowId(playId));
    try {
      return await this.client.withDeadline(Date.now() + LIVE_QUERY_MS, () => handle.query(statusQuery));
    } catch (error) {
      if (isNotFound(error)) throw notFound(`session ${playId}`);
      if (temporalHttpError(error)?.statusCode === 503) throw error;
      // A finished session can still answer from its result when the query cannot be served.
      const description = await handle.describe();
      if (description.status.name === 'COMPLETED') return handle.result();
      const why = isGrpcDeadlineError(error)
        ? `no worker answered within ${LIVE_QUERY_MS} ms`
        : (error as Error).message;
      return lastKnownSessionView(this.client, description, why);
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

  /** One page of sessions from Temporal visibility, newest first (api/session/list.ts); equal requests in flight share one query. */
  listPage(request: SessionPageRequest = {}): Promise<SessionPage<SessionListItem>> {
    const key = JSON.stringify([request.activeOnly ?? false, request.limit ?? null, request.cursor ?? null]);
    return this.pages.run(key, () => listSessionPage(this.client, request, toListItem));
  }

  /** The first page of sessions, newest first. */
  async list(filter: { activeOnly?: boolean; limit?: number } = {}): Promise<SessionListItem[]> {
    return (await this.listPage(filter)).sessions;
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
