/**
 * One typed configuration, read once from the environment at start-up.
 * Invalid values fail with a `ConfigError` whose message is one line naming the variable.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import { WORKER_TAG_PATTERN } from "./cameras/worker-tag.ts";
import { parseSecret, SecretFormatError } from "./db/password-seal.ts";
import { parseRedisUrl, RedisUrlError } from "./redis-url.ts";

/** A configuration variable holds a value camserver cannot use. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid ${variable}: ${message}`);
    this.name = new.target.name;
  }
}

/** Everything camserver reads from the environment. */
export interface Config {
  /** HTTP port of the API. @defaultValue 8082 (`PORT`) */
  readonly port: number;
  /**
   * Redis URL: `redis://`, `rediss://`, or `redis+sentinel://HOST:PORT,HOST:PORT/MASTER` for a
   * Redis that fails over (src/redis-url.ts); undefined means `start` launches a private
   * redis-server. (`REDIS_URL`)
   */
  readonly redisUrl: string | undefined;
  /** Key prefix of every Redis key and BullMQ queue. @defaultValue "camserver" (`REDIS_PREFIX`) */
  readonly redisPrefix: string;
  /** `mysql://user:pass@host:port/db`, a SQLite file path, or undefined for `${dataDir}/camserver.db`. (`DATABASE_URL`) */
  readonly databaseUrl: string | undefined;
  /** Directory for the database, HLS scratch files, the generated API token and the demo clip. @defaultValue "./data" (`DATA_DIR`) */
  readonly dataDir: string;
  /** Directory of the files a file-path camera may play (demo clips); any other path is refused. @defaultValue "$DATA_DIR/media" (`MEDIA_DIR`) */
  readonly mediaDir: string;
  /** Directory of recordings, `<camera>/<recording id>/...`; worker hosts that record share it as one mount. @defaultValue "$DATA_DIR/recordings" (`RECORDINGS_DIR`) */
  readonly recordingsDir: string;
  /** Lifetime of an HLS session in seconds; a start on a live session extends it. @defaultValue 300 (`SESSION_TTL_SEC`) */
  readonly sessionTtlSec: number;
  /** An HLS session ends after this many seconds without a playlist fetch. @defaultValue 120 (`HLS_IDLE_TIMEOUT_SEC`) */
  readonly hlsIdleTimeoutSec: number;
  /** How long a pipeline outlives its last lease, in ms. @defaultValue 10000 (`PIPELINE_GRACE_MS`) */
  readonly pipelineGraceMs: number;
  /** A held camera keeps publishing keyframes for snapshots this long after the last snapshot request, in ms. @defaultValue 30000 (`SNAPSHOT_LINGER_MS`) */
  readonly snapshotLingerMs: number;
  /** Key of camera passwords at rest, 32 bytes as hex or base64; undefined means one generated into `$DATA_DIR/secret`. (`CAMSERVER_SECRET`) */
  readonly cameraSecret?: string | undefined;
  /** Bearer token for `/v1`; undefined means `start` generates one under `dataDir`. (`API_TOKEN`) */
  readonly apiToken: string | undefined;
  /** Name of this worker process as shown in camera state and Bull Board. @defaultValue "<hostname>:<pid>" (`WORKER_ID`) */
  readonly workerId: string;
  /** Port of a `/metrics`-only HTTP listener of `worker` processes; undefined = none. (`METRICS_PORT`) */
  readonly metricsPort: number | undefined;
  /** Extra ICE host candidate addresses for WebRTC, e.g. the host's LAN or public IP. @defaultValue [] (`WEBRTC_PUBLIC_IPS`, comma-separated) */
  readonly webrtcPublicIps: readonly string[];
  /** UDP port range of WebRTC ICE, inclusive; undefined = any. (`WEBRTC_PORT_RANGE`, "min-max") */
  readonly webrtcPortRange: readonly [number, number] | undefined;
  /**
   * What this worker host has, e.g. `host:cam-board-1`: cameras whose `worker_tag` is one of
   * these may be held here, cameras without a tag anywhere. @defaultValue [] (`WORKER_TAGS`, comma-separated)
   */
  readonly workerTags: readonly string[];
  /** pino log level. @defaultValue "info" (`LOG_LEVEL`) */
  readonly logLevel: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `"${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `${n} is outside ${min}-${max}`);
  return n;
}

function url(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, "is not a URL");
  }
  if (!schemes.includes(parsed.protocol)) throw new ConfigError(name, `scheme must be one of ${schemes.join(" ")}`);
  return raw;
}

/** `REDIS_URL`: redis://, rediss:// or redis+sentinel:// (src/redis-url.ts). */
function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === "") return undefined;
  try {
    parseRedisUrl(raw);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new ConfigError("REDIS_URL", err.message);
    throw err;
  }
  return raw;
}

function ips(env: Env): string[] {
  const raw = env.WEBRTC_PUBLIC_IPS;
  if (!raw) return [];
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const ip of list) if (!/^[0-9.]+$|^[0-9a-fA-F:]+$/.test(ip)) throw new ConfigError("WEBRTC_PUBLIC_IPS", `"${ip}" is not an IP address`);
  return list;
}

function portRange(env: Env): [number, number] | undefined {
  const raw = env.WEBRTC_PORT_RANGE;
  if (!raw) return undefined;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1024 || hi > 65535 || lo >= hi) throw new ConfigError("WEBRTC_PORT_RANGE", `"${raw}" must be "min-max" with 1024 <= min < max <= 65535`);
  return [lo, hi];
}

function workerTags(env: Env): string[] {
  const list = (env.WORKER_TAGS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const tag of list) {
    if (!WORKER_TAG_PATTERN.test(tag)) throw new ConfigError("WORKER_TAGS", `"${tag.slice(0, 80)}" is not 1-64 characters of A-Z, a-z, 0-9, _ . : -`);
  }
  return [...new Set(list)];
}

/** MEDIA_DIR, absolute: `MEDIA_DIR` or `$DATA_DIR/media`. Sources that start outside `loadConfig` read it here too. */
export function mediaDirOf(env: Env = process.env): string {
  return resolve(env.MEDIA_DIR || `${resolve(env.DATA_DIR || "./data")}/media`);
}

/**
 * Reads the configuration from `env`.
 * @throws ConfigError naming the first invalid variable
 */
export function loadConfig(env: Env = process.env): Config {
  const dbRaw = env.DATABASE_URL || undefined;
  if (dbRaw && /^[a-z]+:\/\//.test(dbRaw)) url(env, "DATABASE_URL", ["mysql:"]);
  const token = env.API_TOKEN || undefined;
  if (token !== undefined && token.length < 8) throw new ConfigError("API_TOKEN", "must be at least 8 characters");
  const cameraSecret = env.CAMSERVER_SECRET || undefined;
  if (cameraSecret !== undefined) {
    try {
      parseSecret(cameraSecret);
    } catch (err) {
      if (err instanceof SecretFormatError) throw new ConfigError("CAMSERVER_SECRET", "must be 32 bytes, as 64 hex digits or base64");
      throw err;
    }
  }
  const prefix = env.REDIS_PREFIX || "camserver";
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new ConfigError("REDIS_PREFIX", "may hold only letters, digits, _ . -");
  const level = env.LOG_LEVEL || "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(level)) {
    throw new ConfigError("LOG_LEVEL", `"${level}" is not a pino level`);
  }
  return {
    port: int(env, "PORT", 8082, 0, 65535),
    redisUrl: redisUrl(env),
    redisPrefix: prefix,
    databaseUrl: dbRaw,
    dataDir: resolve(env.DATA_DIR || "./data"),
    mediaDir: mediaDirOf(env),
    recordingsDir: resolve(env.RECORDINGS_DIR || `${resolve(env.DATA_DIR || "./data")}/recordings`),
    sessionTtlSec: int(env, "SESSION_TTL_SEC", 300, 10, 86400),
    hlsIdleTimeoutSec: int(env, "HLS_IDLE_TIMEOUT_SEC", 120, 5, 86400),
    pipelineGraceMs: int(env, "PIPELINE_GRACE_MS", 10000, 0, 600000),
    snapshotLingerMs: int(env, "SNAPSHOT_LINGER_MS", 30000, 0, 3600000),
    apiToken: token,
    cameraSecret,
    workerId: env.WORKER_ID || `${hostname()}:${process.pid}`,
    metricsPort: env.METRICS_PORT ? int(env, "METRICS_PORT", 0, 1, 65535) : undefined,
    webrtcPublicIps: ips(env),
    webrtcPortRange: portRange(env),
    workerTags: workerTags(env),
    logLevel: level,
  };
}
