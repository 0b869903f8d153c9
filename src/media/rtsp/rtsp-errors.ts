/**
 * Typed errors of the RTSP layer (RFC 2326), named after the condition the camera broke.
 * Limits (header section, body, interleaved frame) use the shared `TooLargeError`.
 */

import { MediaError } from "../errors.ts";

/**
 * The first line of a message from the server is neither an RTSP status line
 * (`RTSP/1.0 200 OK`, RFC 2326 §7.1) nor a request line (§6.1).
 */
export class BadStatusLineError extends MediaError {
  /** @param line the offending line, cut to 80 characters */
  constructor(readonly line: string) {
    super(`RTSP: bad status line "${line.slice(0, 80)}"`);
  }
}

/** A header field the protocol needs cannot be read (RFC 2326 §12), e.g. a Content-Length of "ten". */
export class MalformedHeaderError extends MediaError {
  /** @param header the field name; @param value its value, cut to 80 characters */
  constructor(
    readonly header: string,
    readonly value: string,
  ) {
    super(`RTSP: malformed ${header} header "${value.slice(0, 80)}"`);
  }
}

/**
 * The server asked for authentication (401, RFC 2326 §11.4.1) with no challenge this client
 * can answer: neither Basic (RFC 7617) nor Digest with MD5 (RFC 7616).
 */
export class UnsupportedAuthError extends MediaError {
  constructor(readonly challenges: string) {
    super(`RTSP: no supported authentication scheme in "${challenges.slice(0, 120)}"`);
  }
}

/** The SDP (RFC 8866) of a DESCRIBE answer cannot be used: not SDP, or no media section. */
export class SdpError extends MediaError {
  constructor(readonly reason: string) {
    super(`SDP: ${reason}`);
  }
}
