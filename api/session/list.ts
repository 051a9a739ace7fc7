// GET /api/v1/sessions (and /active, and MCP list_sessions): one page of sessions from Temporal
// visibility, newest first. A page is one ListWorkflowExecutions call (`limit`, default 100); its
// nextPageToken travels to the caller as an opaque `nextCursor`, so no call walks the whole list.
// The cursor carries a checksum of the token: the server answers a token it cannot read with a
// retryable error, so garbage must be refused here (400), not retried until the call's deadline.
import { status as grpcStatus } from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { isGrpcServiceError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
// The SDK's own mapping of a raw execution (what client.workflow.list yields), which has no page token.
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { SESSION_PAGE } from '../../core/contract';
import { badRequest } from '../errors';

export interface SessionPageRequest {
  activeOnly?: boolean;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SessionPage<T> {
  sessions: T[];
  /** Present when more sessions follow: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

// Runs that continued-as-new are earlier runs of a session whose latest run is listed too.
const SESSIONS_QUERY = `WorkflowType = 'playSession' AND ExecutionStatus != 'ContinuedAsNew'`;

const checksum = (token: Uint8Array) =>
  createHash('sha256').update(token).digest().subarray(0, 8).toString('base64url');

export const encodeCursor = (token: Uint8Array): string =>
  `${Buffer.from(token).toString('base64url')}.${checksum(token)}`;

/** The page token inside a cursor this API returned, or a 400. */
export function decodeCursor(cursor: string): Buffer {
  const [encoded = '', check] = cursor.split('.');
  const token = Buffer.from(encoded, 'base64url');
  if (token.length === 0 || check !== checksum(token))
    throw badRequest('cursor: is not a cursor this API returned', 'cursor');
  return token;
}

/** One page of session executions, each mapped by `toItem`; a run repeated within the page (same id) is listed once. */
export async function listSessionPage<T>(
  client: Client,
  request: SessionPageRequest,
  toItem: (execution: WorkflowExecutionInfo) => T,
): Promise<SessionPage<T>> {
  const query = request.activeOnly ? `${SESSIONS_QUERY} AND ExecutionStatus = 'Running'` : SESSIONS_QUERY;
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize: request.limit ?? SESSION_PAGE.default,
      nextPageToken: request.cursor ? decodeCursor(request.cursor) : undefined,
    });
  } catch (error) {
    // The server refuses a token it did not issue.
    if (request.cursor && isGrpcServiceError(error) && error.code === grpcStatus.INVALID_ARGUMENT)
      throw badRequest('cursor: is not a cursor this API returned', 'cursor');
    throw error;
  }
  const seen = new Set<string>();
  const sessions: T[] = [];
  for (const raw of response.executions) {
    const execution = await executionInfoFromRaw(
      raw,
      client.options.loadedDataConverter,
      raw,
      client.options.namespace,
    );
    if (seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    sessions.push(toItem(execution));
  }
  const token = response.nextPageToken;
  return { sessions, ...(token && token.length > 0 ? { nextCursor: encodeCursor(token) } : {}) };
}
