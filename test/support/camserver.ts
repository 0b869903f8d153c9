/**
 * Runs camserver entry points as real processes for integration tests: `start` (API and
 * worker in one), `api`, `worker`. Each test run gets its own Redis key prefix and data
 * directory, against the real Redis (TEST_REDIS_URL, default 127.0.0.1:6379).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { startBackground, type Background } from "./background.ts";
import { freePort } from "./ports.ts";

/** The repository root. */
export const ROOT = resolve(import.meta.dir, "../..");
/** Redis used by tests. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** MariaDB/MySQL used by tests. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
/** CAMSERVER_SECRET of test processes (32 bytes, hex): API and workers of one test share it. */
export const TEST_SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/** API token of test processes. */
export const TEST_TOKEN = "test-token-0123456789";

const ENTRY = { start: "infra/entry/start.ts", api: "infra/entry/api.ts", worker: "workers/main.ts" } as const;

/** Every prefix handed out in this process, deleted after the run (redis-cleanup.ts). */
export const usedPrefixes = new Set<string>();

/** A unique Redis prefix for one test file. */
export function testPrefix(name: string): string {
  const prefix = `cstest-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  usedPrefixes.add(prefix);
  return prefix;
}

/** A fresh temporary data directory. */
export function tempDir(name: string): string {
  return mkdtempSync(`${tmpdir()}/camserver-${name}-`);
}

/** A running camserver process. */
export interface CamserverProcess extends Background {
  /** HTTP base URL (api and start only). */
  readonly base: string;
  readonly port: number;
  /** Calls the API with the test token; JSON in, JSON (or text) out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Headers }>;
}

/** Starts one entry point and waits until it serves (`/health`) or, for a worker, until it is ready. */
export async function startCamserver(kind: keyof typeof ENTRY, env: Record<string, string>, bunArgs: string[] = []): Promise<CamserverProcess> {
  const port = freePort();
  const bg = startBackground(["bun", ...bunArgs, `${ROOT}/${ENTRY[kind]}`], {
    PORT: String(port),
    API_TOKEN: TEST_TOKEN,
    LOG_LEVEL: "info",
    PIPELINE_GRACE_MS: "2000",
    // Hosts that share a database share the secret that seals camera passwords.
    CAMSERVER_SECRET: TEST_SECRET,
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  if (kind === "worker") await bg.waitFor(/worker ready/);
  else {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ok = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (bg.proc.exitCode !== null) throw new Error(`camserver ${kind} exited: ${bg.output().slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`camserver ${kind} did not serve: ${bg.output().slice(-2000)}`);
      await Bun.sleep(25);
    }
    if (kind === "start") await bg.waitFor(/worker ready/);
  }
  return Object.assign(bg, {
    base,
    port,
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
  });
}

/** Pids of running ffmpeg processes whose command line contains `needle`. */
export function ffmpegPids(needle = ""): number[] {
  const r = Bun.spawnSync(["ps", "-eo", "pid=,stat=,args="]);
  return r.stdout
    .toString()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && !f[1]!.startsWith("Z") && /(^|\/)ffmpeg$/.test(f[2]!) && f.slice(2).join(" ").includes(needle))
    .map((f) => Number(f[0]));
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes. @returns whether it became true */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await Bun.sleep(50);
  }
}

/**
 * Established TCP connections to `port` on this host (`ss`): a camera's upstream connections,
 * whether a native RTSP source or an ffmpeg holds them.
 */
export function tcpConnections(port: number): string[] {
  return Bun.spawnSync(["ss", "-Htn", "state", "established", `( dport = :${port} )`])
    .stdout.toString()
    .split("\n")
    .filter((l) => l.trim());
}
