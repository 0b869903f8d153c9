/**
 * `REDIS_URL`: one Redis server (`redis://`, `rediss://`, as ioredis reads them) or a
 * primary found through Redis Sentinel, for a Redis that fails over:
 *
 *   redis+sentinel://[:PASSWORD@]HOST[:PORT][,HOST[:PORT]...]/MASTER_NAME[?db=N&sentinel_password=P]
 *
 * Sentinel ports default to 26379. PASSWORD is the primary's and replicas' (`requirepass`),
 * `sentinel_password` the Sentinels' own. Redis Sentinel protocol: clients ask any Sentinel
 * for the master's address by name (`SENTINEL get-master-addr-by-name`) and ask again after
 * a failover (redis.io, "Sentinel client spec"); ioredis does this when given `sentinels`
 * and `name`.
 */

/** A Redis reached through Sentinels. */
export interface SentinelTarget {
  readonly kind: "sentinel";
  /** The Sentinels to ask, in the order given. */
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** The monitored master's name (`sentinel monitor NAME ...`). */
  readonly name: string;
  /** Password of the primary and replicas; undefined = none. Never logged. */
  readonly password: string | undefined;
  /** Password of the Sentinels; undefined = none. Never logged. */
  readonly sentinelPassword: string | undefined;
  /** Logical database. @defaultValue 0 */
  readonly db: number;
}

/** One Redis server, by URL as ioredis reads it. */
export interface DirectTarget {
  readonly kind: "direct";
  readonly url: string;
}

/** Where camserver's Redis is. */
export type RedisTarget = SentinelTarget | DirectTarget;

/** A `REDIS_URL` that cannot be used; the message names what is wrong, never the password. */
export class RedisUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const SENTINEL_SCHEME = "redis+sentinel://";
const DEFAULT_SENTINEL_PORT = 26379;

/**
 * Reads a `REDIS_URL`.
 * @throws RedisUrlError for a scheme other than redis, rediss and redis+sentinel, a
 *   malformed URL, a Sentinel URL without hosts or master name, a bad port or db
 */
export function parseRedisUrl(raw: string): RedisTarget {
  if (raw.startsWith(SENTINEL_SCHEME)) return parseSentinel(raw.slice(SENTINEL_SCHEME.length));
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new RedisUrlError("is not a URL");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw new RedisUrlError("scheme must be one of redis: rediss: redis+sentinel:");
  return { kind: "direct", url: raw };
}

function parseSentinel(rest: string): SentinelTarget {
  const slash = rest.indexOf("/");
  if (slash < 0) throw new RedisUrlError("redis+sentinel URL needs /MASTER_NAME after the Sentinel hosts");
  let hosts = rest.slice(0, slash);
  const tail = rest.slice(slash + 1);
  const q = tail.indexOf("?");
  const name = decodeURIComponent(q < 0 ? tail : tail.slice(0, q));
  const query = new URLSearchParams(q < 0 ? "" : tail.slice(q + 1));
  let password: string | undefined;
  const at = hosts.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = hosts.slice(0, at);
    hosts = hosts.slice(at + 1);
    const colon = userinfo.indexOf(":");
    password = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(colon + 1)) || undefined;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new RedisUrlError("redis+sentinel master name may hold only letters, digits, _ . -");
  const sentinels = hosts.split(",").map((h) => sentinelHost(h.trim()));
  if (sentinels.length === 0) throw new RedisUrlError("redis+sentinel URL names no Sentinel");
  const dbRaw = query.get("db") ?? "0";
  if (!/^\d{1,2}$/.test(dbRaw)) throw new RedisUrlError(`db "${dbRaw}" is not a database number`);
  return { kind: "sentinel", sentinels, name, password, sentinelPassword: query.get("sentinel_password") || undefined, db: Number(dbRaw) };
}

function sentinelHost(h: string): { host: string; port: number } {
  // [IPv6]:port, host:port, or a host alone.
  const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(h) ?? /^([A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(h);
  if (!m) throw new RedisUrlError(`"${h}" is not a Sentinel host[:port]`);
  const port = m[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new RedisUrlError(`Sentinel port ${m[2]} is outside 1-65535`);
  return { host: m[1]!, port };
}
