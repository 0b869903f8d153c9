/**
 * Bearer-token authentication of `/v1` (and Basic, password = token, for the Bull Board
 * pages a browser opens). Compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";

/** True when the Authorization header carries the API token. */
export function isAuthorized(header: string | null | undefined, token: string): boolean {
  if (!header) return false;
  let given: string | undefined;
  if (header.startsWith("Bearer ")) given = header.slice(7).trim();
  else if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString();
    given = decoded.slice(decoded.indexOf(":") + 1);
  }
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
