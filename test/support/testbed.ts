/**
 * The shared camera test bed (../shared/testbed): real RTSP camera, hung camera, flaky
 * camera, connection counter. Clips are made once into a cache outside the clone
 * (`CAMSERVER_CLIPS`, default ~/.cache/camserver/clips).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { startBackground, type Background } from "./background.ts";
import { freePort } from "./ports.ts";

/** The test bed directory. */
export const TESTBED = process.env.CAMSERVER_TESTBED ?? resolve(import.meta.dir, "../../../shared/testbed");

/** Directory of the test clips; makes them when missing (about 2 minutes, once). */
export function clipsDir(): string {
  const dir = process.env.CAMSERVER_CLIPS ?? `${homedir()}/.cache/camserver/clips`;
  if (!existsSync(`${dir}/cam720.mp4`)) {
    const r = Bun.spawnSync([`${TESTBED}/make-clips`, dir], { stdout: "inherit", stderr: "inherit" });
    if (r.exitCode !== 0) throw new Error(`make-clips failed (${r.exitCode})`);
  }
  return dir;
}

/** A running test-bed server and its URL. */
export interface TestbedServer extends Background {
  readonly port: number;
  /** `rtsp://user:pass@127.0.0.1:PORT/PATH` for cameras, `127.0.0.1:PORT` for proxies. */
  readonly url: string;
}

/** Options of a real RTSP camera. */
export interface CameraOptions {
  clip?: string;
  path?: string;
  user?: string;
  pass?: string;
  maxClients?: number;
  overLimit?: string;
}

/** Starts `rtsp-camera` and waits for `ready:`. */
export async function startRtspCamera(o: CameraOptions = {}): Promise<TestbedServer> {
  const port = freePort();
  const path = o.path ?? "stream1";
  const args = ["--clip", o.clip ?? `${clipsDir()}/cam720.mp4`, "--port", String(port), "--path", path];
  if (o.user) args.push("--user", o.user, "--pass", o.pass ?? "");
  if (o.maxClients) args.push("--max-clients", String(o.maxClients));
  if (o.overLimit) args.push("--over-limit", o.overLimit);
  const bg = startBackground([`${TESTBED}/rtsp-camera`, ...args]);
  await bg.waitFor(/ready:/);
  const cred = o.user ? `${o.user}:${o.pass ?? ""}@` : "";
  return Object.assign(bg, { port, url: `rtsp://${cred}127.0.0.1:${port}/${path}` });
}

/** Starts `blackhole-camera` (accepts TCP, never answers). */
export async function startBlackhole(): Promise<TestbedServer> {
  const port = freePort();
  const bg = startBackground([`${TESTBED}/blackhole-camera`, "--port", String(port)]);
  await bg.waitFor(/ready:/);
  return Object.assign(bg, { port, url: `rtsp://127.0.0.1:${port}/stream1` });
}

/** Starts `conn-counter` in front of `target` (host:port), writing stats to `jsonFile`. */
export async function startConnCounter(target: string, jsonFile: string, extra: string[] = []): Promise<TestbedServer> {
  const port = freePort();
  const bg = startBackground([`${TESTBED}/conn-counter`, "--port", String(port), "--target", target, "--json", jsonFile, ...extra]);
  await bg.waitFor(/ready:/);
  return Object.assign(bg, { port, url: `127.0.0.1:${port}` });
}

/** Starts `flaky-camera` in front of `target` with its mode arguments. */
export async function startFlakyCamera(target: string, extra: string[]): Promise<TestbedServer> {
  const port = freePort();
  const bg = startBackground([`${TESTBED}/flaky-camera`, "--port", String(port), "--target", target, ...extra]);
  await bg.waitFor(/ready:/);
  return Object.assign(bg, { port, url: `127.0.0.1:${port}` });
}
