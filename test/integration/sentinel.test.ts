/**
 * A Redis that fails over: a real primary, a replica and three Sentinels (Debian's
 * redis-server and redis-sentinel, on free ports, in a temporary directory), a camserver
 * `start` with `REDIS_URL=redis+sentinel://...`, and a camera that accepts one client
 * (`--max-clients 1`) behind a connection counter. An HLS stream plays; the primary is
 * SIGKILLed mid-stream. Requests answer 200 or 503 (503 only within the failover window),
 * then everything works again on the promoted replica: playlist, a new stream, a snapshot,
 * /ready. The camera is never connected twice, and no ffmpeg is left afterwards.
 * Every process is stopped at the end, on every path (afterAll: stopAll).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Redis from "ioredis";
import { startBackground, stopAll, type Background } from "../support/background.ts";
import { eventually, ffmpegPids, startCamserver, tempDir, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startConnCounter, startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const MASTER = "camserver-it";
const dir = tempDir("sentinel");
const dataDir = tempDir("sentinel-data");
const statsFile = `${dir}/conn.json`;
const primaryPort = freePort();
const replicaPort = freePort();
const sentinelPorts = [freePort(), freePort(), freePort()];
let primary: Background;
let cam: TestbedServer;
let counter: TestbedServer;
let server: CamserverProcess;
const clients: Redis[] = [];

function redisServer(name: string, port: number, extra: string[] = []): Promise<Background> {
  const bg = startBackground([
    "redis-server",
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--dbfilename",
    `${name}.rdb`,
    ...extra,
  ]);
  return bg.waitFor(/Ready to accept connections/).then(() => bg);
}

async function sentinel(port: number): Promise<Background> {
  const conf = `${dir}/sentinel-${port}.conf`;
  // Sentinel rewrites its configuration file: it must be writable. Short timings so the
  // failover is over in a few seconds (down after 1 s, quorum 2 of 3).
  writeFileSync(
    conf,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor ${MASTER} 127.0.0.1 ${primaryPort} 2`,
      `sentinel down-after-milliseconds ${MASTER} 1000`,
      `sentinel failover-timeout ${MASTER} 10000`,
      `sentinel parallel-syncs ${MASTER} 1`,
      "",
    ].join("\n"),
  );
  const bg = startBackground(["redis-sentinel", conf]);
  await bg.waitFor(/\+monitor master/);
  return bg;
}

function client(port: number): Redis {
  const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, lazyConnect: false });
  r.on("error", () => {});
  clients.push(r);
  return r;
}

/** Processes that carry the child marker of camserver process `owner` (src/proc/owner-marker.ts). */
function childrenOf(owner: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, "latin1").includes(`CAMSERVER_CHILD=${owner}:`)) found.push(Number(name));
    } catch {}
  }
  return found;
}

type Stats = { current: number; max_concurrent: number; total_connections: number; refused: number };
const stats = async (): Promise<Stats> => JSON.parse(await Bun.file(statsFile).text());

beforeAll(async () => {
  primary = await redisServer("primary", primaryPort);
  await redisServer("replica", replicaPort, ["--replicaof", "127.0.0.1", String(primaryPort)]);
  const replica = client(replicaPort);
  expect(await eventually(async () => (await replica.info("replication")).includes("master_link_status:up"), 10_000)).toBe(true);
  await Promise.all(sentinelPorts.map(sentinel));
  // Every Sentinel knows the replica and the two others (hello messages every 2 s).
  for (const port of sentinelPorts) {
    const s = client(port);
    const known = async () => {
      const replicas = (await s.call("SENTINEL", "REPLICAS", MASTER)) as unknown[];
      const others = (await s.call("SENTINEL", "SENTINELS", MASTER)) as unknown[];
      return replicas.length === 1 && others.length === 2;
    };
    expect(await eventually(known, 20_000)).toBe(true);
  }
  cam = await startRtspCamera({ maxClients: 1 });
  counter = await startConnCounter(`127.0.0.1:${cam.port}`, statsFile);
  const sentinels = sentinelPorts.map((p) => `127.0.0.1:${p}`).join(",");
  server = await startCamserver("start", { REDIS_URL: `redis+sentinel://${sentinels}/${MASTER}`, REDIS_PREFIX: testPrefix("sentinel"), DATA_DIR: dataDir });
  const r = await server.call("POST", "/v1/cameras", { id: "cam", name: "Sentinel camera", source_url: `rtsp://127.0.0.1:${counter.port}/stream1` });
  expect(r.status).toBe(201);
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await stopAll();
  for (const d of [dir, dataDir]) rmSync(d, { recursive: true, force: true });
});

/** One probe: status of each request, at ms since the primary died. */
interface Probe {
  readonly at: number;
  readonly ready: number;
  readonly camera: number;
  readonly playlist: number;
}

async function status(url: string, auth: boolean): Promise<number> {
  try {
    const r = await fetch(url, { headers: auth ? { authorization: `Bearer test-token-0123456789` } : {}, signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0; // no answer within 10 s
  }
}

describe("Redis behind Sentinel", () => {
  it("answers 503 at most for the failover window when the primary dies mid-stream, then works again without connecting the camera twice", async () => {
    const start = await server.call("POST", "/v1/streams/start", { camera_id: "cam" });
    expect(start.status).toBe(200);
    const playlistUrl = `${server.base}${start.json.hls_url}`;
    expect(await status(playlistUrl, false)).toBe(200);

    await primary.kill();
    const killedAt = performance.now();
    const probes: Probe[] = [];
    let recoveredAt: number | undefined;
    while (performance.now() - killedAt < 40_000) {
      const at = performance.now() - killedAt;
      const [ready, camera, playlist] = await Promise.all([
        status(`${server.base}/ready`, false),
        status(`${server.base}/v1/cameras/cam`, true),
        status(playlistUrl, false),
      ]);
      probes.push({ at: Math.round(at), ready, camera, playlist });
      const ok = ready === 200 && camera === 200 && playlist === 200;
      if (ok && recoveredAt === undefined) recoveredAt = performance.now() - killedAt;
      if (!ok) recoveredAt = undefined;
      if (recoveredAt !== undefined && performance.now() - killedAt - recoveredAt > 5000) break;
      await Bun.sleep(100);
    }
    const failed = probes.filter((p) => p.ready !== 200 || p.camera !== 200 || p.playlist !== 200);
    const windowMs = failed.length ? failed[failed.length - 1]!.at : 0;
    console.log(
      JSON.stringify({ windowMs, recoveredAt: Math.round(recoveredAt ?? -1), probes: probes.length, failed: failed.length, sample: failed.slice(0, 3) }),
    );
    expect(recoveredAt).toBeDefined();
    // Every request answered, with 200 or 503; 503s only inside the failover window.
    for (const p of probes) for (const s of [p.ready, p.camera, p.playlist]) expect([200, 503]).toContain(s);
    expect(windowMs).toBeLessThan(15_000);
    expect(probes.filter((p) => p.at > windowMs).length).toBeGreaterThan(10);

    // The Sentinels promoted the replica.
    const addr = (await clients[1]!.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)) as string[];
    expect(Number(addr[1])).toBe(replicaPort);

    // Everything works again: the stream plays on, a new viewer's start, a snapshot.
    const seen = new Set<string>();
    expect(
      await eventually(async () => {
        const r = await fetch(playlistUrl);
        for (const line of (await r.text()).split("\n")) if (line.includes(".m4s") || line.includes(".ts")) seen.add(line);
        return seen.size >= 4;
      }, 15_000),
    ).toBe(true);
    const again = await server.call("POST", "/v1/streams/start", { camera_id: "cam" });
    expect(again.status).toBe(200);
    const shot = await fetch(`${server.base}/v1/cameras/cam/snapshot`, { headers: { authorization: "Bearer test-token-0123456789" } });
    const jpeg = new Uint8Array(await shot.arrayBuffer());
    expect(shot.status).toBe(200);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);

    // Never two connections to the camera; none left once camserver stops; no ffmpeg left.
    const s = await stats();
    expect(s.max_concurrent).toBe(1);
    expect(s.refused).toBe(0);
    await server.stop(20_000);
    expect(await eventually(async () => (await stats()).current === 0, 5000)).toBe(true);
    expect(await eventually(() => ffmpegPids(`127.0.0.1:${counter.port}/`).length === 0 && childrenOf(server.pid).length === 0, 2000)).toBe(true);
    expect((await stats()).max_concurrent).toBe(1);
  }, 120_000);
});
