/**
 * Writing RTSP messages (RFC 2326 §6 request, §7 response): a start line, header fields each
 * ended by CRLF, an empty line, and the body with its Content-Length (§12.14); and interleaved
 * binary frames (§10.12).
 */

import { InvalidFieldError } from "../errors.ts";
import type { RtspHeaders } from "./rtsp-message.ts";

const encoder = new TextEncoder();
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const NO_CRLF = /^[^\r\n]*$/;

function check(structure: string, field: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new InvalidFieldError(structure, field, value.replace(/[\r\n]/g, "\\n").slice(0, 80));
  return value;
}

function message(startLine: string, headers: RtspHeaders, body?: Uint8Array): Uint8Array {
  let head = `${startLine}\r\n`;
  for (const [name, value] of headers.entries()) {
    if (name.toLowerCase() === "content-length") continue;
    head += `${check("RTSP header", "name", name, TOKEN)}: ${check("RTSP header", name, value, NO_CRLF)}\r\n`;
  }
  if (body && body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += "\r\n";
  const headBytes = encoder.encode(head);
  if (!body || body.length === 0) return headBytes;
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

/**
 * The bytes of a request: `METHOD URL RTSP/1.0` (§6.1), then `headers` in order, then the body.
 * A Content-Length in `headers` is ignored; one is written from the body's length.
 * @param method a token such as DESCRIBE (§6.1)
 * @param url an absolute URL or `*`, without spaces or line breaks
 * @throws InvalidFieldError for a method that is not a token, a URL with whitespace, a header
 *   name that is not a token, or a value with CR or LF (no header injection)
 */
export function serializeRequest(method: string, url: string, headers: RtspHeaders, body?: Uint8Array): Uint8Array {
  check("RTSP request line", "method", method, TOKEN);
  check("RTSP request line", "URL", url, /^[^\s]+$/);
  return message(`${method} ${url} RTSP/1.0`, headers, body);
}

/**
 * The bytes of a response: `RTSP/1.0 STATUS REASON` (§7.1), then `headers`, then the body.
 * Used to answer requests a server sends the client (an OPTIONS ping, §10.1).
 * @param status 100..999
 * @throws InvalidFieldError for a status out of range or text with CR or LF
 */
export function serializeResponse(status: number, reason: string, headers: RtspHeaders, body?: Uint8Array): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new InvalidFieldError("RTSP status line", "status", status);
  check("RTSP status line", "reason", reason, NO_CRLF);
  return message(`RTSP/1.0 ${status} ${reason}`, headers, body);
}

/**
 * An interleaved binary frame (§10.12): `$`, the channel, the 16-bit length, the payload.
 * @param channel 0..255
 * @throws InvalidFieldError for a channel out of range or a payload over 65535 bytes
 */
export function interleavedFrame(channel: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) throw new InvalidFieldError("RTSP interleaved frame", "channel", channel);
  if (payload.length > 0xffff) throw new InvalidFieldError("RTSP interleaved frame", "length", payload.length);
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0x24;
  out[1] = channel;
  out[2] = payload.length >>> 8;
  out[3] = payload.length & 0xff;
  out.set(payload, 4);
  return out;
}
