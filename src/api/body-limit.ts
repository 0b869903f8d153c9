/**
 * Request body bounds: a JSON body is at most 64 KiB, an SDP offer at most 32 KiB (one
 * video and one audio section need about 6 KiB). A body is checked twice: its announced
 * Content-Length before any byte is read, and its bytes counted while they are read (a
 * chunked body announces nothing). Bun's `maxRequestBodySize` is the outer bound.
 */
import { PayloadTooLargeError } from "../errors.ts";

/** Largest JSON body a route reads, bytes. */
export const JSON_BODY_LIMIT = 64 * 1024;
/** Largest SDP offer, bytes (WHEP body, or the `sdp` field of the seed's JSON signalling). */
export const SDP_BODY_LIMIT = 32 * 1024;
/** Bun's `maxRequestBodySize`: above this Bun itself answers 413 and closes, bytes. */
export const MAX_REQUEST_BODY = 1024 * 1024;

/** Whether a path takes an SDP body (WHEP resources). */
export function isSdpPath(pathname: string): boolean {
  return /^\/v1\/cameras\/[^/]+\/whep(\/[^/]+)?$/.test(pathname);
}

/** The body limit of a path, bytes. */
export function bodyLimit(pathname: string): number {
  return isSdpPath(pathname) ? SDP_BODY_LIMIT : JSON_BODY_LIMIT;
}

const tooLarge = (limit: number) => new PayloadTooLargeError(`request body too large: at most ${limit / 1024} KiB`);

/** @throws PayloadTooLargeError when the Content-Length header announces more than `limit` bytes */
export function checkDeclaredLength(request: Request, limit: number): void {
  const raw = request.headers.get("content-length");
  if (raw !== null && !(Number(raw) <= limit)) throw tooLarge(limit);
}

/**
 * Reads the body as UTF-8 text, counting bytes as they arrive and stopping (the rest is
 * never read) once more than `limit` came.
 * @throws PayloadTooLargeError past `limit` bytes
 */
export async function readBoundedText(request: Request, limit: number): Promise<string> {
  checkDeclaredLength(request, limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      parts.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(parts, size).toString("utf8");
}

/** @throws PayloadTooLargeError when an SDP string is larger than `SDP_BODY_LIMIT` bytes */
export function checkSdpSize(sdp: string): void {
  if (Buffer.byteLength(sdp) > SDP_BODY_LIMIT) throw tooLarge(SDP_BODY_LIMIT);
}
