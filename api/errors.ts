// Errors the API maps to HTTP status codes (and MCP to tool errors).
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
