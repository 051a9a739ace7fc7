// Errors the API maps to HTTP status codes (and MCP to tool errors).
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const badRequest = (message: string, field?: string) => new HttpError(400, 'invalid_request', message, field);
export const payloadTooLarge = (message: string, field?: string) =>
  new HttpError(413, 'payload_too_large', message, field);

/**
 * Temporal failures a caller should hear about as such: a call past its deadline (api/temporal-deadlines.ts)
 * is 504, an unreachable server 503. Anything else is not the caller's business (undefined).
 */
export function temporalHttpError(error: unknown): HttpError | undefined {
  if (isGrpcDeadlineError(error))
    return new HttpError(504, 'temporal_timeout', 'Temporal did not answer in time; try again');
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && e.code === grpcStatus.UNAVAILABLE)
      return new HttpError(503, 'temporal_unavailable', 'Temporal is unreachable; try again');
  }
  return undefined;
}
