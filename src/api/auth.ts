/**
 * Who may do what, in one place: every request is classified by method and path before
 * any body is read (`requiredAccess`), then its token is checked (`Authenticator`).
 *
 * Roles: `admin` may do everything (cameras, recordings, Bull Board writes); `viewer` may
 * watch and list (streams, snapshots, WHEP, every GET). `API_TOKEN` is the bootstrap admin;
 * other tokens live hashed in the database (`bun run token`). A token comes as
 * `Authorization: Bearer <token>`, or as the password of HTTP Basic (Bull Board pages a
 * browser opens). No token, or an unknown one: 401; a role that may not: 403.
 *
 * The rule is closed by default: a path that is not public needs a token, and a write
 * that is not listed as a viewer's needs `admin`, so a route added later (recordings:
 * `/v1/recordings`, `/api/recording/*`) is admin-only for writes without a line here.
 */
import { timingSafeEqual } from "node:crypto";
import type { TokenRole } from "../db/api-tokens-repository.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";

/** A role a token carries. */
export type Role = TokenRole;

/** Who sent a request: the token's name (`API_TOKEN` is `bootstrap`) and its role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/** What a route needs: nothing, or a token of at least this role. */
export type Access = "public" | Role;

/** Finds a stored token (the database's `api_tokens`). */
export interface TokenLookup {
  /** The valid token equal to `token`, or undefined. */
  verify(token: string): Promise<Principal | undefined>;
}

type Rule = readonly [method: string, path: RegExp];

/** Answered to anyone: health, readiness, metrics, the page, the API's description, HLS (the session id is the capability), WHEP preflight, the event socket's upgrade. */
const PUBLIC: readonly Rule[] = [
  ["GET", /^\/(health|ready|metrics|favicon\.ico|docs|openapi\.json)?$/],
  ["GET", /^\/assets\/[A-Za-z0-9_.-]+$/],
  ["GET", /^\/hls\/[^/]+\/[^/]+$/],
  ["OPTIONS", /^\/v1\/cameras\/[^/]+\/whep(\/[^/]+)?$/],
  // The console's event WebSocket: a browser cannot set headers on it and a token never goes
  // into a URL, so its first message carries the token (src/api/routes/event-socket.ts).
  ["GET", /^\/v1\/events\/ws$/],
];

/** Writes a viewer may make: start and stop watching. Every other write needs admin. */
const VIEWER_WRITES: readonly Rule[] = [
  ["POST", /^\/v1\/streams\/(start|stop)$/],
  ["POST", /^\/v1\/cameras\/[^/]+\/whep$/],
  ["DELETE", /^\/v1\/cameras\/[^/]+\/whep\/[^/]+$/],
  ["PATCH", /^\/v1\/cameras\/[^/]+\/whep\/[^/]+$/],
  ["POST", /^\/api\/webrtc\/offer$/],
];

/** Reads only an admin may make: token administration (names and roles are not for viewers). */
const ADMIN_READS: readonly Rule[] = [["GET", /^\/v1\/tokens(\/.*)?$/]];

const matches = (rules: readonly Rule[], method: string, path: string) => rules.some(([m, re]) => m === method && re.test(path));

/**
 * The access a request needs. HEAD counts as GET.
 * @param pathname the URL's normalized path (`new URL(request.url).pathname`)
 */
export function requiredAccess(method: string, pathname: string): Access {
  const m = method === "HEAD" ? "GET" : method;
  if (matches(PUBLIC, m, pathname)) return "public";
  if (matches(ADMIN_READS, m, pathname)) return "admin";
  if (m === "GET" || matches(VIEWER_WRITES, m, pathname)) return "viewer";
  return "admin";
}

/** The token in an Authorization header: Bearer, or the password of Basic; undefined when none. */
export function presentedToken(header: string | null | undefined): string | undefined {
  if (!header || header.length > 4096) return undefined;
  if (header.startsWith("Bearer ")) return header.slice(7).trim() || undefined;
  if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString();
    const colon = decoded.indexOf(":");
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

const principals = new WeakMap<Request, Principal>();

/** The principal `Authenticator.authorize` found for this request, if any. */
export function principalOf(request: Request): Principal | undefined {
  return principals.get(request);
}

/** Checks tokens against `API_TOKEN` (the bootstrap admin) and the stored tokens. */
export class Authenticator {
  constructor(
    private readonly bootstrapToken: string,
    private readonly lookup: TokenLookup,
  ) {}

  /** The principal of an Authorization header, or undefined when it carries no valid token. */
  async principal(header: string | null | undefined): Promise<Principal | undefined> {
    const token = presentedToken(header);
    if (token === undefined) return undefined;
    if (sameSecret(token, this.bootstrapToken)) return { name: "bootstrap", role: "admin" };
    return this.lookup.verify(token);
  }

  /**
   * Lets the request through or says why not; remembers its principal (`principalOf`).
   * @returns the principal, or undefined for a public route
   * @throws UnauthorizedError (401) without a valid token; ForbiddenError (403) for a viewer's write
   */
  async authorize(request: Request, pathname: string): Promise<Principal | undefined> {
    const need = requiredAccess(request.method, pathname);
    if (need === "public") return undefined;
    const who = await this.principal(request.headers.get("authorization"));
    if (!who) throw new UnauthorizedError("missing or wrong API token");
    if (need === "admin" && who.role !== "admin")
      throw new ForbiddenError(`a ${who.role} token may not ${request.method} ${pathname}: it needs the admin role`);
    principals.set(request, who);
    return who;
  }
}
