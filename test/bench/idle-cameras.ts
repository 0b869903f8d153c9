/**
 * What registered cameras cost (not a bun test): `bun test/bench/idle-cameras.ts [--cameras N]
 * [--live M] [--seconds S]`.
 *
 * One camserver `start` process (API and worker) on a private redis-server (so every client
 * and command counted is camserver's) and SQLite under a temporary DATA_DIR:
 *
 * 1. `--cameras` (default 1000) cameras are registered through the API, the process is
 *    restarted (a cold start with them registered), and after a settling pause the bench
 *    measures for `--seconds` (default 10): the Redis connections of the process (CLIENT LIST
 *    minus the bench's own), Redis commands per second (`total_commands_processed` delta minus
 *    the bench's own commands) and the process's CPU (utime + stime from /proc, % of a core).
 * 2. `--live` (default 50) of them, whose source is the test clip looped by ffmpeg (a file
 *    camera), get a `snapshot` lease each (straight into Redis, as a snapshot poller would
 *    hold one): once all are live, the same figures, plus the CPU of the process's ffmpeg
 *    children; per live camera = (live - idle) / M.
 * 3. The leases are released; once every camera is idle again and the process is back to
 *    its idle connection count (the consumers of cameras nobody wants closed), the figures
 *    once more.
 *
 * Prints a table and a final JSON line. Everything it starts is stopped at the end, on
 * failure and on SIGINT/SIGTERM; then `ps` is checked for leftovers.
 */
import { readdirSync, readFileSync } from "node:fs";
import Redis from "ioredis";
import { clipsDir } from "../support/testbed.ts";
import { ROOT, startCamserver, tempDir, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startBackground } from "../support/background.ts";
import { CameraStatusStore } from "../../src/state/camera-status-store.ts";
import { Keys } from "../../src/state/keys.ts";
import { LeaseStore } from "../../src/state/lease-store.ts";
import { atCleanup, cleanup, intArg, leftovers, log, runBench, stringArg, trackDir, trackPid, until } from "./kit/bench.ts";

const CAMERAS = intArg("--cameras", 1000);
const LIVE = Math.min(intArg("--live", 50), CAMERAS);
const SECONDS = intArg("--seconds", 10);
const PREFIX = "bench-idle";
const CLK_TCK = 100;
/** `--log FILE`: camserver's log up to the moment every camera is live. */
const LOG_FILE = stringArg("--log");

/** Figures of one measurement window. */
interface Figures {
  connections: number;
  commandsPerS: number;
  /** % of one core, the camserver process alone. */
  cpu: number;
  /** % of one core, its ffmpeg children together. */
  childCpu: number;
  children: number;
  rssMb: number;
}

/** utime + stime of a process in clock ticks, or 0 when it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Pids whose parent is `ppid`. */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) === ppid) out.push(Number(name));
    } catch {}
  }
  return out;
}

/** Processes still running with the camserver child marker of one of `owners` (src/proc/owner-marker.ts). */
function childrenLeftBy(owners: number[]): string[] {
  const left: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, "latin1");
      if (owners.some((o) => env.includes(`CAMSERVER_CHILD=${o}:`)))
        left.push(`${name} ${readFileSync(`/proc/${name}/cmdline`, "latin1").replaceAll("\0", " ")}`);
    } catch {}
  }
  return left;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Clients of the private Redis that are not the bench's own connection. */
async function processConnections(redis: Redis, ownId: number): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  return list.split("\n").filter((l) => l.startsWith("id=") && !l.startsWith(`id=${ownId} `)).length;
}

async function totalCommands(redis: Redis): Promise<number> {
  const info = await redis.info("stats");
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Measures one window of `SECONDS`. The bench sends 2 commands (INFO) inside it; they are subtracted. */
async function measure(redis: Redis, ownId: number, pid: number): Promise<Figures> {
  const kids0 = childrenOf(pid);
  const c0 = await totalCommands(redis);
  const t0 = performance.now();
  const p0 = cpuTicks(pid);
  const k0 = new Map(kids0.map((k) => [k, cpuTicks(k)]));
  await Bun.sleep(SECONDS * 1000);
  const p1 = cpuTicks(pid);
  let kidTicks = 0;
  for (const [k, t] of k0) kidTicks += Math.max(0, cpuTicks(k) - t);
  const c1 = await totalCommands(redis);
  const s = (performance.now() - t0) / 1000;
  return {
    connections: await processConnections(redis, ownId),
    commandsPerS: (c1 - c0 - 1) / s,
    cpu: ((p1 - p0) / CLK_TCK / s) * 100,
    childCpu: (kidTicks / CLK_TCK / s) * 100,
    children: kids0.length,
    rssMb: rssMb(pid),
  };
}

async function main(): Promise<void> {
  const redisPort = freePort();
  const redisDir = trackDir(tempDir("bench-idle-redis"));
  const redisServer = startBackground([
    "redis-server",
    "--bind",
    "127.0.0.1",
    "--port",
    String(redisPort),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    redisDir,
    "--maxclients",
    "10000",
  ]);
  trackPid(redisServer.pid);
  await redisServer.waitFor(/Ready to accept connections/);
  const url = `redis://127.0.0.1:${redisPort}`;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  atCleanup(async () => void redis.disconnect());
  const ownId = Number(await redis.client("ID"));
  const keys = new Keys(PREFIX);
  const leases = new LeaseStore(redis, keys);
  const status = new CameraStatusStore(redis, keys);

  const clip = `${clipsDir()}/cam720.mp4`;
  const dataDir = trackDir(tempDir("bench-idle-data"));
  // File cameras must live in MEDIA_DIR: the clips directory is it.
  const env = { REDIS_URL: url, REDIS_PREFIX: PREFIX, DATA_DIR: dataDir, MEDIA_DIR: clipsDir(), LOG_LEVEL: "info" };
  const server: CamserverProcess = await startCamserver("start", env);
  trackPid(server.pid);
  atCleanup(async () => server.stop(20_000));

  log(`registering ${CAMERAS} cameras (${LIVE} file cameras looping ${clip})`);
  const ids = Array.from({ length: CAMERAS }, (_, i) => `cam${String(i).padStart(4, "0")}`);
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (id, j) => {
        const n = i + j;
        const source_url = n < LIVE ? clip : `rtsp://127.0.0.1:9/idle-${n}`;
        const r = await server.call("POST", "/v1/cameras", { id, name: id, source_url });
        if (r.status !== 201) throw new Error(`POST /v1/cameras ${id}: ${r.status} ${r.text}`);
      }),
    );
  }

  log("restarting camserver with the cameras registered");
  await server.stop(20_000);
  const t0 = performance.now();
  // Not startCamserver: with every camera consumed at start-up, getting ready took over its 20 s.
  const restarted = startBackground(["bun", `${ROOT}/infra/entry/start.ts`], {
    PORT: String(freePort()),
    API_TOKEN: TEST_TOKEN,
    PIPELINE_GRACE_MS: "2000",
    ...env,
  });
  trackPid(restarted.pid);
  atCleanup(async () => restarted.stop(20_000));
  await restarted.waitFor(/worker ready/, 600_000);
  const pid = restarted.pid;
  const readyMs = performance.now() - t0;
  log(`ready in ${Math.round(readyMs)} ms; settling 5 s`);
  await Bun.sleep(5000);
  const idle = await measure(redis, ownId, pid);
  log(`idle: ${JSON.stringify(idle)}`);

  const live = ids.slice(0, LIVE);
  const leaseUntil = Date.now() + 600_000;
  for (const id of live) await leases.put(id, "snapshot", "bench", leaseUntil);
  const liveMs = await until(
    `${LIVE} cameras live`,
    async () => {
      for (const id of live) if ((await status.read(id)).state !== "live") return false;
      return true;
    },
    300_000,
    250,
  ).catch((err) => {
    log(`camserver's log: ${restarted.output().slice(-4000)}`);
    throw err;
  });
  if (LOG_FILE) await Bun.write(LOG_FILE, restarted.output());
  log(`${LIVE} cameras live after ${Math.round(liveMs)} ms; settling 5 s`);
  await Bun.sleep(5000);
  const busy = await measure(redis, ownId, pid);
  log(`live: ${JSON.stringify(busy)}`);

  for (const id of live) await leases.release(id, "snapshot", "bench");
  const idleAgainMs = await until(
    "every camera idle",
    async () => {
      for (const id of live) if ((await status.read(id)).state !== "idle") return false;
      return true;
    },
    60_000,
    250,
  );
  log(`idle again after ${Math.round(idleAgainMs)} ms; waiting for the camera queue consumers to close`);
  const closedMs = await until("the idle connection count", async () => (await processConnections(redis, ownId)) <= idle.connections, 120_000, 500).catch(
    () => -1,
  );
  log(closedMs < 0 ? "consumers still open after 120 s" : `back to ${idle.connections} connections ${Math.round(closedMs)} ms later`);
  const after = await measure(redis, ownId, pid);
  log(`after: ${JSON.stringify(after)}`);

  const per = (k: keyof Figures) => (busy[k] - idle[k]) / LIVE;
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  const rows = [
    ["what", `${CAMERAS} idle`, `${LIVE} live`, "per live camera", `idle again`],
    ["Redis connections", String(idle.connections), String(busy.connections), f2(per("connections")), String(after.connections)],
    ["Redis commands/s", f1(idle.commandsPerS), f1(busy.commandsPerS), f2(per("commandsPerS")), f1(after.commandsPerS)],
    ["camserver CPU, % of a core", f2(idle.cpu), f2(busy.cpu), f2(per("cpu")), f2(after.cpu)],
    [
      "ffmpeg children (CPU %)",
      `${idle.children} (${f2(idle.childCpu)})`,
      `${busy.children} (${f2(busy.childCpu)})`,
      f2(per("childCpu")),
      `${after.children} (${f2(after.childCpu)})`,
    ],
    ["camserver RSS, MB", f1(idle.rssMb), f1(busy.rssMb), f2(per("rssMb")), f1(after.rssMb)],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`);
    if (i === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
  console.log(
    JSON.stringify({
      cameras: CAMERAS,
      live: LIVE,
      seconds: SECONDS,
      readyMs: Math.round(readyMs),
      liveMs: Math.round(liveMs),
      closedMs: Math.round(closedMs),
      idle,
      busy,
      after,
    }),
  );

  await cleanup();
  const left = [...leftovers(), ...childrenLeftBy([server.pid, pid])];
  if (left.length) throw new Error(`left running: ${left.join("; ")}`);
}

await runBench(main);
