/**
 * Answering an RTSP server's authentication challenge: Basic (RFC 7617 §2) and Digest with MD5
 * (RFC 2617 §3.2.2, RFC 7616 §3.4), with and without `qop=auth` (then with cnonce and a nonce
 * count that rises with every request, §3.4). SHA-256 Digest is not implemented; a server that
 * offers only that is refused with UnsupportedAuthError.
 *
 * Digest is preferred over Basic when a server offers both (Tapo C210 firmware from 2025 offers
 * both and rejects Basic: scrypted's bug tracker, "RTSP selects Basic Auth when Basic and Digest
 * are supported"). The credentials live only inside this object and the header values it makes.
 */

import { encodeBase64 } from "../base64.ts";
import { md5Hex } from "../md5.ts";
import { UnsupportedAuthError } from "./rtsp-errors.ts";
import type { AuthChallenge } from "./www-authenticate.ts";

/** User name and password; never logged. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Quotes a value for a quoted-string (RFC 7230 §3.2.6). */
function quote(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function isUsableDigest(c: AuthChallenge): boolean {
  const alg = (c.params.get("algorithm") ?? "MD5").toUpperCase();
  return c.scheme === "digest" && c.params.has("nonce") && (alg === "MD5" || alg === "MD5-SESS");
}

/**
 * The challenge to answer: the first Digest (MD5 or MD5-sess) one, else the first Basic one.
 * @throws UnsupportedAuthError when there is neither
 */
export function chooseChallenge(challenges: readonly AuthChallenge[]): AuthChallenge {
  const pick = challenges.find(isUsableDigest) ?? challenges.find((c) => c.scheme === "basic");
  if (!pick) throw new UnsupportedAuthError(challenges.map((c) => `${c.scheme} ${[...c.params.keys()].join(",")}`).join("; ") || "no challenge");
  return pick;
}

/** Whether a 401's challenge says only the nonce expired (RFC 7616 §3.3 `stale=true`). */
export function isStale(challenge: AuthChallenge): boolean {
  return (challenge.params.get("stale") ?? "").toLowerCase() === "true";
}

/** Inputs of one Digest response, for {@link digestAuthorization}. */
export interface DigestInput {
  readonly challenge: AuthChallenge;
  readonly credentials: Credentials;
  /** Request method, e.g. DESCRIBE. */
  readonly method: string;
  /** The digest-uri: the request URL as sent on the request line (RFC 7616 §3.4.6). */
  readonly uri: string;
  /** Client nonce; needed when the challenge has qop or algorithm MD5-sess. */
  readonly cnonce: string;
  /** Nonce count, 1.. (RFC 7616 §3.4: 8 hex digits on the wire). */
  readonly nc: number;
}

/**
 * The Authorization value for a Digest challenge (RFC 7616 §3.4.1, RFC 2617 §3.2.2):
 * response = H(H(A1):nonce[:nc:cnonce:qop]:H(A2)), A1 = user:realm:password (MD5-sess:
 * H(user:realm:password):nonce:cnonce), A2 = method:uri (auth-int: method:uri:H(empty body)).
 */
export function digestAuthorization(d: DigestInput): string {
  const p = d.challenge.params;
  const realm = p.get("realm") ?? "";
  const nonce = p.get("nonce") ?? "";
  const algorithm = p.get("algorithm");
  const qops = (p.get("qop") ?? "")
    .split(",")
    .map((q) => q.trim().toLowerCase())
    .filter(Boolean);
  const qop = qops.includes("auth") ? "auth" : qops.includes("auth-int") ? "auth-int" : undefined;
  const nc = d.nc.toString(16).padStart(8, "0");
  let ha1 = md5Hex(`${d.credentials.username}:${realm}:${d.credentials.password}`);
  if (algorithm?.toUpperCase() === "MD5-SESS") ha1 = md5Hex(`${ha1}:${nonce}:${d.cnonce}`);
  const ha2 = md5Hex(qop === "auth-int" ? `${d.method}:${d.uri}:${md5Hex("")}` : `${d.method}:${d.uri}`);
  const response = qop ? md5Hex(`${ha1}:${nonce}:${nc}:${d.cnonce}:${qop}:${ha2}`) : md5Hex(`${ha1}:${nonce}:${ha2}`);
  let out = `Digest username=${quote(d.credentials.username)}, realm=${quote(realm)}, nonce=${quote(nonce)}, uri=${quote(d.uri)}, response=${quote(response)}`;
  if (algorithm !== undefined) out += `, algorithm=${algorithm}`;
  if (p.has("opaque")) out += `, opaque=${quote(p.get("opaque")!)}`;
  if (qop) out += `, qop=${qop}, nc=${nc}, cnonce=${quote(d.cnonce)}`;
  return out;
}

/** The Authorization value for Basic (RFC 7617 §2): base64 of `user:password` in UTF-8. */
export function basicAuthorization(c: Credentials): string {
  return `Basic ${encodeBase64(new TextEncoder().encode(`${c.username}:${c.password}`))}`;
}

/**
 * One authentication session with a server (RFC 7616 §3.6): the chosen challenge, and the
 * nonce count of its nonce. Makes the Authorization value of each request.
 */
export class RtspAuthenticator {
  private challenge: AuthChallenge;
  private nc = 0;

  /**
   * @param cnonce makes a fresh client nonce (the caller's random source: this layer has none)
   * @throws UnsupportedAuthError when no challenge can be answered
   */
  constructor(
    challenges: readonly AuthChallenge[],
    private readonly credentials: Credentials,
    private readonly cnonce: () => string,
  ) {
    this.challenge = chooseChallenge(challenges);
  }

  /** "basic" or "digest". */
  get scheme(): string {
    return this.challenge.scheme;
  }

  /**
   * Takes a new challenge (a 401 with a fresh nonce, stale or not); the nonce count restarts.
   * @throws UnsupportedAuthError when no challenge can be answered
   */
  update(challenges: readonly AuthChallenge[]): void {
    this.challenge = chooseChallenge(challenges);
    this.nc = 0;
  }

  /** The Authorization value for one request. */
  authorize(method: string, uri: string): string {
    if (this.challenge.scheme === "basic") return basicAuthorization(this.credentials);
    this.nc++;
    return digestAuthorization({ challenge: this.challenge, credentials: this.credentials, method, uri, cnonce: this.cnonce(), nc: this.nc });
  }
}
