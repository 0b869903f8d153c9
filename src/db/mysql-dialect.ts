/**
 * Kysely's `MysqlDialect` over a mysql2 pool, configured from a `mysql://` URL. BIGINT
 * columns come back as numbers while they are safe integers (epoch ms always are) and as
 * strings beyond that, never silently rounded.
 */
import { MysqlDialect } from "kysely";
import { createPool, type PoolOptions } from "mysql2";
import { redactUrl } from "../cameras/source-url.ts";
import { DatabaseUrlError } from "./errors.ts";

/**
 * Longest a new connection waits for the server's handshake, ms: a hung server fails
 * requests within this time instead of mysql2's default 10 s.
 */
export const MYSQL_CONNECT_TIMEOUT_MS = 3000;

/** Pool size when the URL has no `connectionLimit` query parameter. */
export const DEFAULT_MYSQL_CONNECTION_LIMIT = 10;

/**
 * Parses `mysql://user[:password]@host[:port]/database[?connectionLimit=N]` (user and
 * password percent-decoded, port 3306 by default) into mysql2 pool options.
 * @throws DatabaseUrlError with the password redacted from the message.
 */
export function parseMysqlUrl(url: string): PoolOptions {
  const fail = (reason: string): never => {
    throw new DatabaseUrlError(`database url ${redactUrl(url)}: ${reason}`);
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail("not a valid URL");
  }
  if (u.protocol !== "mysql:") fail("scheme must be mysql://");
  if (!u.hostname) fail("host is missing");
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) fail("path must be /database");
  let connectionLimit = DEFAULT_MYSQL_CONNECTION_LIMIT;
  for (const [key, value] of u.searchParams) {
    if (key !== "connectionLimit") fail(`unknown parameter "${key}"`);
    connectionLimit = Number(value);
    if (!Number.isInteger(connectionLimit) || connectionLimit < 1) fail("connectionLimit must be a positive integer");
  }
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    connectionLimit,
    connectTimeout: MYSQL_CONNECT_TIMEOUT_MS,
    charset: "utf8mb4",
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

/**
 * A dialect whose pool is created on first use from `url` (see {@link parseMysqlUrl}).
 * Kysely ends the pool on `destroy()`.
 * @throws DatabaseUrlError at once when the URL is unusable.
 */
export function createMysqlDialect(url: string): MysqlDialect {
  const options = parseMysqlUrl(url);
  return new MysqlDialect({ pool: async () => createPool(options) });
}
