/**
 * Camera source URLs: validation, and keeping credentials out of them. A stored source URL
 * never holds credentials; they live in their own columns and are put back only into
 * ffmpeg's input argument. Anything that may echo a URL (ffmpeg stderr, errors, logs) goes
 * through `redactUrl` or `redactSecrets` first. Userinfo syntax: RFC 3986 §3.2.1.
 */
import { ValidationError } from "../errors.ts";

/** Longest accepted source URL in characters (the `cameras.source_url` column size). */
export const MAX_SOURCE_URL_LENGTH = 2000;

/** A source URL split into its credential-free form and the credentials it carried. */
export interface SplitSourceUrl {
  /** The URL without userinfo; unchanged when it had none or is not rtsp/rtsps. */
  readonly url: string;
  /** Percent-decoded user name, when the URL had userinfo. */
  readonly username?: string;
  /** Percent-decoded password, when the userinfo had a `:`. */
  readonly password?: string;
}

interface RtspParts {
  readonly scheme: string;
  /** Text before the last `@` of the authority, undefined when there is no `@`. */
  readonly userinfo: string | undefined;
  readonly hostPort: string;
  /** Path, query and fragment, possibly empty. */
  readonly tail: string;
}

// The authority ends at the first `/`, `?` or `#`; userinfo ends at its last `@`, so a raw
// `@` in a password pasted unencoded still splits right (as ffmpeg's av_url_split does).
const RTSP_URL = /^(rtsps?):\/\/([^/?#]*)([/?#][\s\S]*)?$/i;
const ANY_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
const USERINFO_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::(\d{1,5}))?$/;
const SHM_URL = /^shm:\/\/([A-Za-z0-9_.-]+)$/i;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function rtspParts(url: string): RtspParts | undefined {
  const m = RTSP_URL.exec(url);
  if (!m) return undefined;
  const authority = m[2] ?? "";
  const at = authority.lastIndexOf("@");
  return {
    scheme: m[1] ?? "",
    userinfo: at < 0 ? undefined : authority.slice(0, at),
    hostPort: authority.slice(at + 1),
    tail: m[3] ?? "",
  };
}

function fail(reason: string): never {
  throw new ValidationError("source_url", reason);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray `%` that is not an escape: take the text as typed
  }
}

/**
 * Moves userinfo out of an `rtsp://` or `rtsps://` URL. Other URLs and paths come back
 * unchanged. Example: `rtsp://admin:p%40ss@10.0.0.5:554/stream1` ->
 * `{ url: "rtsp://10.0.0.5:554/stream1", username: "admin", password: "p@ss" }`.
 */
export function splitCredentials(url: string): SplitSourceUrl {
  const parts = rtspParts(url);
  if (!parts || parts.userinfo === undefined) return { url };
  const bare = `${parts.scheme}://${parts.hostPort}${parts.tail}`;
  if (parts.userinfo === "") return { url: bare };
  const colon = parts.userinfo.indexOf(":");
  if (colon < 0) return { url: bare, username: decode(parts.userinfo) };
  return {
    url: bare,
    username: decode(parts.userinfo.slice(0, colon)),
    password: decode(parts.userinfo.slice(colon + 1)),
  };
}

/**
 * Puts percent-encoded credentials into an rtsp/rtsps URL, for ffmpeg's `-i` only (never
 * log the result). Replaces userinfo already present. Returns `url` unchanged when both
 * credentials are null/undefined or the URL is not rtsp/rtsps.
 */
export function withCredentials(url: string, username: string | null | undefined, password: string | null | undefined): string {
  if (username == null && password == null) return url;
  const parts = rtspParts(url);
  if (!parts) return url;
  const user = encodeURIComponent(username ?? "");
  const userinfo = password == null ? user : `${user}:${encodeURIComponent(password)}`;
  return `${parts.scheme}://${userinfo}@${parts.hostPort}${parts.tail}`;
}

/** True when `url` has userinfo (`scheme://...@`), whatever its scheme. */
export function hasCredentials(url: string): boolean {
  return ANY_USERINFO.test(url);
}

/** Replaces the userinfo of a `scheme://user:pass@host` URL with `***`; other text unchanged. */
export function redactUrl(url: string): string {
  return url.replace(ANY_USERINFO, "$1***@");
}

/**
 * Makes free text (ffmpeg stderr, error messages) safe to log: every occurrence of each
 * non-empty secret, raw or percent-encoded, becomes `***`, and so does the userinfo of any
 * `scheme://user:pass@` URL in it. Short secrets redact generously; that is the price.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  let out = text;
  // Longest first, so a secret that contains another is not left half visible.
  for (const s of [...forms].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return out.replace(USERINFO_IN_TEXT, "$1***@");
}

/**
 * Checks a credential-free source URL and returns it with its scheme in lower case.
 * Accepted: `rtsp://host[:port][/...]`, `rtsps://...`, `shm://NAME` (NAME of
 * `[A-Za-z0-9_.-]`, not only dots) and absolute file paths (demo cameras; where they may
 * point, inside MEDIA_DIR, is checked by src/cameras/media-source.ts).
 * @throws ValidationError on field `source_url`; the message never repeats the URL.
 */
export function validateSourceUrl(url: string): string {
  if (url.length === 0) fail("must not be empty");
  if ([...url].length > MAX_SOURCE_URL_LENGTH) {
    fail(`must be at most ${MAX_SOURCE_URL_LENGTH} characters`);
  }
  if (CONTROL_CHARS.test(url)) fail("must not contain control characters");
  if (url.startsWith("/")) return url;

  const shm = SHM_URL.exec(url);
  if (shm) {
    const name = shm[1] ?? "";
    if (/^\.+$/.test(name)) fail("shm name must not be only dots");
    return `shm://${name}`;
  }

  const parts = rtspParts(url);
  if (!parts) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    if (scheme && scheme.length <= 16 && !/^(rtsps?|shm)$/i.test(scheme)) {
      fail(`unsupported scheme "${scheme}"; use rtsp://, rtsps://, shm://NAME or an absolute file path`);
    }
    fail("must be rtsp://host[:port]/..., rtsps://..., shm://NAME or an absolute file path");
  }
  if (parts.userinfo !== undefined) fail("must not contain credentials; send username and password");
  const hostPort = HOST_PORT.exec(parts.hostPort);
  if (!hostPort) fail("must name a host, as in rtsp://host[:port]/path");
  const port = hostPort[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    fail("port must be 1-65535");
  }
  if (/\s/.test(parts.tail)) fail("must not contain whitespace");
  return `${parts.scheme.toLowerCase()}://${parts.hostPort}${parts.tail}`;
}
