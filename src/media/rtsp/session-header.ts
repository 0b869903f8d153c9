/**
 * The Session header (RFC 2326 §12.37): `session-id [;timeout=delta-seconds]`. The server
 * closes a session that sees no request for `timeout` seconds (60 when absent), so the client
 * sends keep-alives well inside it.
 */

import { parseParams } from "./header-params.ts";
import { MalformedHeaderError } from "./rtsp-errors.ts";

/** A parsed Session header. */
export interface SessionHeader {
  /** The opaque session identifier to echo in later requests. */
  readonly id: string;
  /** Seconds without a request after which the server may end the session (§12.37). */
  readonly timeoutSeconds: number;
}

/** The timeout RFC 2326 §12.37 assumes when the server gives none, in seconds. */
export const DEFAULT_SESSION_TIMEOUT_S = 60;

/**
 * Parses a Session header value. Hikvision pads the value with spaces
 * (`Session:       1299260789;timeout=60`); a timeout that is not a positive number is
 * taken as the default rather than failing the session.
 * @throws MalformedHeaderError for an empty session id
 */
export function parseSession(value: string): SessionHeader {
  const semi = value.indexOf(";");
  const id = (semi < 0 ? value : value.slice(0, semi)).trim();
  if (id === "" || /\s/.test(id)) throw new MalformedHeaderError("Session", value);
  const params = semi < 0 ? new Map<string, string>() : parseParams(value.slice(semi + 1), ";");
  const t = Number(params.get("timeout"));
  const timeoutSeconds = Number.isFinite(t) && t > 0 ? Math.min(t, 86_400) : DEFAULT_SESSION_TIMEOUT_S;
  return { id, timeoutSeconds };
}
