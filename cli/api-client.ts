// The CLI's HTTP client for the Healer API (HEALER_API_URL, bearer HEALER_API_TOKEN).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  /** Deadline of one request (default 30 s): a hung API must not hang the command. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function apiRequest<T>(
  opts: ApiClientOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${opts.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    if ((error as Error).name === 'TimeoutError')
      throw new ApiError(
        0,
        `the Healer API at ${opts.baseUrl} did not answer ${method} ${path} within ${timeoutMs} ms`,
      );
    throw new ApiError(
      0,
      `cannot reach the Healer API at ${opts.baseUrl} (${(error as Error).cause ?? (error as Error).message}); is \`healer api\` or \`healer dev\` running?`,
    );
  }
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const message = (parsed as { message?: string } | undefined)?.message ?? text ?? response.statusText;
    throw new ApiError(response.status, `${response.status} ${message}`);
  }
  return parsed as T;
}
