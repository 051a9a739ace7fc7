// Every error the API answers has one JSON shape, `{error, message, field?}`: the routes' own errors,
// schema validation, Fastify's framework errors (bad URL, over-long path parameter, body too large,
// unknown route) and the HTTP parser's (headers too large). Messages quote at most ~100 characters of
// a bad value, and nothing else of the request.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FIELD_RULES } from '../core/contract';
import { PayloadError } from '../core/session/payload';
import { HttpError, temporalHttpError } from './errors';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

const MAX_MESSAGE = 300;
const capped = (message: string) => (message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message);

/** Fastify's error codes (FST_ERR_CTP_BODY_TOO_LARGE …) become the API's own snake_case codes. */
const FASTIFY_CODES: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

const HINT_BY_PATTERN = new Map(Object.values(FIELD_RULES).map((rule) => [rule.pattern.source, rule.hint]));

/** A schema validation failure as `field: what is wrong` (the field as a dotted path, its rule's hint for a pattern). */
function validationError(error: FastifyError): ErrorBody {
  const [first] = error.validation ?? [];
  const params = (first?.params ?? {}) as { missingProperty?: string; pattern?: string };
  const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const field = [path, params.missingProperty].filter(Boolean).join('.') || error.validationContext || 'request';
  const hint = params.pattern ? HINT_BY_PATTERN.get(params.pattern) : undefined;
  const what = hint ? `must be ${hint}` : params.missingProperty ? 'is required' : (first?.message ?? 'is invalid');
  return { error: 'invalid_request', field, message: capped(`${field}: ${what}`) };
}

/** The status and body for any error a route or hook throws. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    const body = { error: error.code, message: capped(error.message), ...(error.field ? { field: error.field } : {}) };
    return { status: error.statusCode, body };
  }
  if (error instanceof PayloadError)
    return { status: 400, body: { error: 'invalid_payload', field: error.field, message: capped(error.message) } };
  const fastify = error as FastifyError;
  if (fastify.validation) return { status: 400, body: validationError(fastify) };
  const temporal = temporalHttpError(error);
  if (temporal) return { status: temporal.statusCode, body: { error: temporal.code, message: temporal.message } };
  const status = fastify.statusCode;
  if (status && status >= 400 && status < 500) {
    const message = capped(fastify.message ?? STATUS_CODES[status] ?? 'bad request');
    return { status, body: { error: FASTIFY_CODES[status] ?? 'bad_request', message } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error; see the API log' } };
}

export async function apiErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = errorResponse(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  return reply.code(status).send(body);
}

export async function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
  return reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${shown}` });
}

/** Fastify's routing errors (a malformed URL, a path parameter past maxParamLength), without echoing the URL. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.code(tooLong ? 414 : 400).send({
    error: tooLong ? 'uri_too_long' : 'invalid_request',
    field: 'path',
    message: tooLong ? 'path: a path parameter is too long' : 'path: is not a valid URL',
  });
}

/** Errors Node's HTTP parser raises before Fastify sees a request (e.g. headers over 16 KB: 431). */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body]: [number, ErrorBody] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, { error: 'headers_too_large', message: 'request headers are too large' }]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, { error: 'request_timeout', message: 'the request took too long to arrive' }]
        : [400, { error: 'invalid_request', message: 'malformed HTTP request' }];
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}
