/**
 * Which URL each RTSP request goes to (RFC 2326 §C.1.1): the aggregate (session) URL and a
 * media stream's control URL, from the DESCRIBE answer's Content-Base (§12.11), Content-Location
 * (§12.16) and request URL, and the SDP's `a=control` attributes (`*` means the base itself).
 *
 * Cameras bend this, and the rules below follow gortsplib's, which met them first:
 * - a relative control is appended to the base with a `/` between them, not resolved RFC 3986
 *   style, because Dahua's base ends in a query (`.../realmonitor?channel=1&subtype=0/`) and many
 *   bases lack the trailing slash (`rtsp://cam/stream1` + `track1` -> `rtsp://cam/stream1/track1`);
 * - an absolute control keeps its path but takes the base's scheme and host: cameras behind port
 *   forwarding advertise their LAN address (Uniview `a=control:rtsp://10.0.0.1/media/video1/video`);
 * - a Content-Base that is not a URL is ignored (a TP-Link/icamra firmware sends
 *   `Content-Base: rtsp://rtsp://10.0.0.97:554/stream1/`);
 * - credentials a camera echoes into Content-Base or control (Hikvision NVRs do) are removed:
 *   credentials travel only in the Authorization header.
 */

/** An `rtsp://` or `rtsps://` URL split into parts. */
export interface RtspUrlParts {
  /** "rtsp" or "rtsps", lower-cased. */
  readonly scheme: string;
  /** Host name, IPv4 address or bracketed IPv6 address. */
  readonly host: string;
  /** Port: as written, else 554 for rtsp and 322 for rtsps (RFC 2326 §3.2, RFC 7826 §19.2). */
  readonly port: number;
  /** Path, query and fragment, "" or starting with `/` or `?`. */
  readonly rest: string;
  /** The URL without userinfo, as it may go on a request line. */
  readonly url: string;
}

const URL_RE = /^(rtsps?):\/\/([^/?#\s]*)([/?#][^\s]*)?$/i;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::(\d{1,5}))?$/;

/** Parses an absolute RTSP URL; undefined when it is not one (no throw: callers fall back). */
export function parseRtspUrl(url: string): RtspUrlParts | undefined {
  const m = URL_RE.exec(url.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!.slice(m[2]!.lastIndexOf("@") + 1);
  const hp = HOST_PORT.exec(authority);
  if (!hp) return undefined;
  const port = hp[2] === undefined ? (scheme === "rtsps" ? 322 : 554) : Number(hp[2]);
  if (port < 1 || port > 65535) return undefined;
  const rest = m[3] ?? "";
  return { scheme, host: hp[1]!, port, rest, url: `${scheme}://${authority}${rest}` };
}

/** The URL without userinfo, or undefined when it is not an RTSP URL. */
export function stripCredentials(url: string): string | undefined {
  return parseRtspUrl(url)?.url;
}

/** What a DESCRIBE exchange says about URLs. */
export interface BaseUrlInput {
  /** The URL the DESCRIBE went to (without credentials). */
  readonly requestUrl: string;
  /** Content-Base of the answer, if any. */
  readonly contentBase?: string;
  /** Content-Location of the answer, if any. */
  readonly contentLocation?: string;
  /** The session-level `a=control` of the SDP, if any. */
  readonly sessionControl?: string;
}

/**
 * The aggregate URL of the presentation (§C.1.1): an absolute session-level control, else
 * Content-Base, else Content-Location (absolute, or relative to the request URL), else the
 * request URL. Whatever is picked is returned without credentials.
 */
export function resolveBaseUrl(i: BaseUrlInput): string {
  const request = parseRtspUrl(i.requestUrl)?.url ?? i.requestUrl;
  const session = i.sessionControl?.trim();
  if (session && session !== "*" && parseRtspUrl(session)) return resolveControl(request, session);
  const base = i.contentBase ? parseRtspUrl(i.contentBase) : undefined;
  if (base) return base.url;
  const location = i.contentLocation?.trim();
  if (location) return parseRtspUrl(location)?.url ?? resolveControl(request, location);
  return request;
}

/**
 * The URL of a media stream from the base and its `a=control` (§C.1.1, gortsplib's rules in the
 * module comment): none, empty or `*` -> the base; absolute -> its path and query on the base's
 * scheme and host; relative -> appended to the base with one `/`.
 * @param base an absolute RTSP URL without credentials
 */
export function resolveControl(base: string, control: string | undefined): string {
  const c = control?.trim() ?? "";
  if (c === "" || c === "*") return base;
  const abs = parseRtspUrl(c);
  const b = parseRtspUrl(base);
  if (abs) return b ? `${b.scheme}://${hostPort(b)}${abs.rest}` : abs.url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(c)) return base; // another scheme: not ours to follow
  const sep = c.startsWith("?") || c.startsWith("/") || base.endsWith("/") ? "" : "/";
  return `${base}${sep}${c}`;
}

function hostPort(p: RtspUrlParts): string {
  const authority = p.url.slice(p.scheme.length + 3, p.url.length - p.rest.length);
  return authority;
}
