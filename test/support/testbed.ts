/**
 * The tests' cameras, all on 127.0.0.1 and all from this repository (test/support/servers):
 * a real RTSP camera (gst-rtsp-server, `rtsp-camera`), a hung camera, a flaky camera and a
 * connection counter (`fault-proxy.ts`), and two more RTSP server implementations
 * (`relays.ts`). Clips are made once by `make-clips` into a cache outside the clone
 * (`CAMSERVER_CLIPS`, default ~/.cache/camserver/clips). Every helper returns a started
 * Background (stop(), kill(), stopAll() in afterAll) and resolves once it serves.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { startBackground, type Background } from "./background.ts";
import { freePort } from "./ports.ts";

export { startPerlRtspRelay, startVlcRtspServer, type RelayOptions, type RelayServer } from "./servers/relays.ts";

/** Directory of the server scripts. */
export const SERVERS = resolve(import.meta.dir, "servers");

/** Clips the tests and benches use, made by `make-clips`. */
export const CLIPS = ["cam720.mp4", "cam720-hevc.mp4", "cam1080.mp4"] as const;

/**
 * Directory of the test clips; makes the missing ones first (a few minutes on 2 cores, once).
 * @throws Error when make-clips fails
 */
export function clipsDir(): string {
  const dir = process.env.CAMSERVER_CLIPS ?? `${homedir()}/.cache/camserver/clips`;
  if (CLIPS.some((c) => !existsSync(`${dir}/${c}`))) {
    const r = Bun.spawnSync([`${SERVERS}/make-clips`], { env: { ...process.env, CAMSERVER_CLIPS: dir }, stdout: "inherit", stderr: "inherit" });
    if (r.exitCode !== 0) throw new Error(`make-clips failed (${r.exitCode})`);
  }
  return dir;
}

/** A running test server and its URL. */
export interface TestbedServer extends Background {
  readonly port: number;
  /** `rtsp://[user:pass@]127.0.0.1:PORT/PATH` for cameras, `127.0.0.1:PORT` for proxies. */
  readonly url: string;
}

/** Options of `rtsp-camera` (see its header). */
export interface CameraOptions {
  /** MP4 to loop. @defaultValue cam720.mp4 of clipsDir() */
  clip?: string;
  /** Mount path. @defaultValue "stream1" */
  path?: string;
  /** Turns auth on with this user name. @defaultValue no auth */
  user?: string;
  /** Password of `user` (handed over in the environment, never on the command line). @defaultValue "" */
  pass?: string;
  /** Auth scheme offered with `user`. @defaultValue "digest" */
  auth?: "digest" | "basic";
  /** Clients that may hold a stream at once; 0 is no limit. @defaultValue 0 */
  maxClients?: number;
  /** Answer beyond `maxClients`: an RTSP status code ("453") or "close" (TCP closed at accept). @defaultValue "453" */
  overLimit?: string;
  /** Every new pipeline starts at frame 0 instead of following the wall clock. @defaultValue false */
  fromStart?: boolean;
}

/** Starts `rtsp-camera` and waits for its `ready:` line. */
export async function startRtspCamera(o: CameraOptions = {}): Promise<TestbedServer> {
  const port = freePort();
  const path = o.path ?? "stream1";
  const args = ["--clip", o.clip ?? `${clipsDir()}/cam720.mp4`, "--port", String(port), "--path", path];
  if (o.user) args.push("--user", o.user, "--auth", o.auth ?? "digest");
  if (o.maxClients) args.push("--max-clients", String(o.maxClients));
  if (o.overLimit) args.push("--over-limit", o.overLimit);
  if (o.fromStart) args.push("--from-start");
  const bg = startBackground([`${SERVERS}/rtsp-camera`, ...args], { RTSP_CAMERA_PASS: o.pass ?? "" });
  await bg.waitFor(/ready:/);
  const cred = o.user ? `${o.user}:${o.pass ?? ""}@` : "";
  return Object.assign(bg, { port, url: `rtsp://${cred}127.0.0.1:${port}/${path}` });
}

/** Options of `fault-proxy.ts` (see its header). */
export interface FaultProxyOptions {
  /** `host:port` to forward to; not needed for "hang". */
  target?: string;
  /** @defaultValue "pass" */
  mode?: "pass" | "hang" | "drop" | "reset" | "stall";
  /** Seconds after accept before drop/reset/stall. @defaultValue 5 */
  afterS?: number;
  /** Only the first N connections get the fault. @defaultValue all */
  faults?: number;
  /** A stalled connection is closed this many seconds later. @defaultValue never */
  stallForS?: number;
  /** Connections beyond this many open at once are refused. @defaultValue no limit */
  limit?: number;
  /** How a connection over `limit` is refused. @defaultValue "close" */
  refuse?: "close" | "reset";
  /** File the connection counts are written to (ConnStatsJson). */
  json?: string;
}

/** Starts `fault-proxy.ts` with raw arguments and waits for `ready:`. */
async function startProxy(args: string[]): Promise<TestbedServer> {
  const port = freePort();
  const bg = startBackground([process.execPath, `${SERVERS}/fault-proxy.ts`, "--port", String(port), ...args]);
  await bg.waitFor(/ready:/);
  return Object.assign(bg, { port, url: `127.0.0.1:${port}` });
}

/** Starts the fault proxy with typed options. */
export function startFaultProxy(o: FaultProxyOptions): Promise<TestbedServer> {
  const flags: [string, string | number | undefined][] = [
    ["--target", o.target],
    ["--mode", o.mode],
    ["--after", o.afterS],
    ["--faults", o.faults],
    ["--stall-for", o.stallForS],
    ["--limit", o.limit],
    ["--refuse", o.refuse],
    ["--json", o.json],
  ];
  return startProxy(flags.flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)])));
}

/** A hung camera: accepts TCP and never answers. `url` is `rtsp://127.0.0.1:PORT/stream1`. */
export async function startBlackhole(): Promise<TestbedServer> {
  const proxy = await startProxy(["--mode", "hang"]);
  return Object.assign(proxy, { url: `rtsp://127.0.0.1:${proxy.port}/stream1` });
}

/** A pass-through proxy in front of `target` (host:port) counting connections into `jsonFile`. */
export function startConnCounter(target: string, jsonFile: string, extra: string[] = []): Promise<TestbedServer> {
  return startProxy(["--target", target, "--json", jsonFile, ...extra]);
}

/** A proxy in front of `target` that breaks connections as `extra` says (`--mode drop --after 3 ...`). */
export function startFlakyCamera(target: string, extra: string[]): Promise<TestbedServer> {
  return startProxy(["--target", target, ...extra]);
}
