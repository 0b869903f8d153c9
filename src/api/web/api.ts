/**
 * The console's HTTP client: every call carries `Authorization: Bearer <token>` (never a
 * token in a URL); JSON in and out; failures become `ApiError` with the server's message.
 * A 401 calls the sign-out handler once per token.
 */
import { currentToken } from "./auth-token.ts";

/** A failed API call: HTTP status (0: no answer) and the server's `error` text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let onUnauthorized: () => void = () => {};

/** Sets what a 401 does (show the sign-in form). */
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

/** The Authorization header of the current token. */
export function authHeader(): Record<string, string> {
  return { authorization: `Bearer ${currentToken()}` };
}

/**
 * Sends a request. @returns the Response when it is 2xx
 * @throws ApiError otherwise (a 401 also signs out)
 */
export async function request(
  method: string,
  path: string,
  body?: unknown,
  opts: { keepalive?: boolean; headers?: Record<string, string> } = {},
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      keepalive: opts.keepalive,
      headers: { ...authHeader(), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, `no answer from the server (${(err as Error).message})`);
  }
  if (res.ok) return res;
  const data = (await res.json().catch(() => null)) as { error?: string; field?: string } | null;
  if (res.status === 401) onUnauthorized();
  const text = data?.error ?? res.statusText;
  throw new ApiError(res.status, data?.field ? `${data.field}: ${text}` : text, data?.field);
}

/** JSON of a request (null for 204). */
export async function api<T>(method: string, path: string, body?: unknown, opts: { keepalive?: boolean } = {}): Promise<T> {
  const res = await request(method, path, body, opts);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** `encodeURIComponent` for path segments. */
export const seg = encodeURIComponent;
