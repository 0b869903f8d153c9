/**
 * fault-proxy: a TCP proxy in front of a camera that breaks connections on purpose and
 * counts them. Run as its own bun process (so it outlives whatever a test kills):
 *
 *   bun test/support/servers/fault-proxy.ts --port N [--target HOST:PORT] [--mode MODE]
 *       [--after S] [--faults N] [--stall-for S] [--limit N] [--refuse close|reset] [--json FILE]
 *
 * MODE (default `pass`): `pass` forwards both ways; `hang` accepts and never answers (a hung
 * camera; what the client sends is read and dropped; no target needed); `drop` closes both
 * sides (FIN), `reset` resets them (RST) and `stall` freezes the connection (both sockets
 * stay open, nothing more is forwarded; with `--stall-for S` they are closed S s later),
 * each `--after` seconds (default 5, fractions allowed) after the connection was accepted.
 * `--faults N` breaks only the first N connections; later ones pass through (a camera that
 * recovers). `--limit N` closes (`--refuse close`, default) or resets each connection
 * beyond N open at once, right after accept. Counts go to `--json FILE` (conn-stats.ts).
 * Only RTSP over TCP goes through the proxy: with UDP transport the media bypasses it.
 *
 * Prints `ready: 127.0.0.1:PORT` on stderr when listening; stops on SIGTERM/SIGINT and
 * when its parent process dies.
 */
import net from "node:net";
import { parseArgs } from "node:util";
import { ConnStats } from "./conn-stats.ts";

const MODES = ["pass", "hang", "drop", "reset", "stall"] as const;
type Mode = (typeof MODES)[number];

const { values: o } = parseArgs({
  options: {
    port: { type: "string" },
    target: { type: "string" },
    mode: { type: "string", default: "pass" },
    after: { type: "string", default: "5" },
    faults: { type: "string" },
    "stall-for": { type: "string" },
    limit: { type: "string" },
    refuse: { type: "string", default: "close" },
    json: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(`fault-proxy: ${message}`);
  process.exit(2);
}
const mode = o.mode as Mode;
if (!MODES.includes(mode)) fail(`--mode must be one of ${MODES.join(", ")}`);
const port = Number(o.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail("--port N is required");
const [targetHost, targetPort] = (o.target ?? "").split(":");
if (mode !== "hang" && !(targetHost && Number(targetPort) > 0)) fail("--target HOST:PORT is required");
if (o.refuse !== "close" && o.refuse !== "reset") fail("--refuse must be close or reset");
const afterMs = Number(o.after) * 1000;
const faultCount = o.faults === undefined ? Infinity : Number(o.faults);
const stallForMs = o["stall-for"] === undefined ? undefined : Number(o["stall-for"]) * 1000;
const limit = o.limit === undefined ? Infinity : Number(o.limit);

const log = (m: string) => console.error(`fault-proxy[${process.pid}] ${new Date().toISOString().slice(11, 23)} ${m}`);
const stats = new ConnStats(o.json);
const open = new Set<net.Socket>();
let seq = 0;

/** Breaks the pair as the mode says. */
function injectFault(n: number, client: net.Socket, upstream: net.Socket): void {
  if (client.destroyed) return;
  stats.count("faults");
  log(`#${n} ${mode} now`);
  if (mode === "drop") {
    client.destroy();
    upstream.destroy();
  } else if (mode === "reset") {
    client.resetAndDestroy();
    upstream.resetAndDestroy();
  } else if (mode === "stall") {
    // Nothing more either way; the client's bytes are still read (and dropped) so that its
    // close is seen, while the camera side is left unread.
    client.unpipe(upstream);
    upstream.unpipe(client);
    upstream.pause();
    client.on("data", () => {});
    client.resume();
    if (stallForMs !== undefined) setTimeout(() => (client.destroy(), upstream.destroy()), stallForMs);
  }
}

function serve(client: net.Socket): void {
  const n = ++seq;
  client.on("error", () => {});
  if (stats.counts.current >= limit) {
    stats.refused();
    log(`#${n} refused (${o.refuse}): ${stats.counts.current} open`);
    if (o.refuse === "reset") client.resetAndDestroy();
    else client.destroy();
    return;
  }
  stats.opened();
  open.add(client);
  log(`#${n} opened, ${stats.counts.current} open`);
  const timers: Timer[] = [];
  client.on("close", () => {
    timers.forEach(clearTimeout);
    open.delete(client);
    stats.closed();
    log(`#${n} closed, ${stats.counts.current} open`);
  });
  if (mode === "hang") {
    client.on("data", () => {});
    return;
  }
  const upstream = net.connect(Number(targetPort), targetHost!);
  let connected = false;
  upstream.on("connect", () => (connected = true));
  upstream.on("error", (e) => {
    if (!connected) stats.count("upstream_failed");
    log(`#${n} upstream ${connected ? "failed" : "unreachable"}: ${e.message}`);
  });
  upstream.on("close", () => client.destroy());
  client.on("close", () => upstream.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
  if (mode !== "pass" && n <= faultCount) timers.push(setTimeout(() => injectFault(n, client, upstream), afterMs));
}

const server = net.createServer(serve);
server.on("error", (e) => fail(`cannot listen on 127.0.0.1:${port}: ${e.message}`));
server.listen(port, "127.0.0.1", () => {
  const target = mode === "hang" ? "" : ` -> ${o.target}`;
  log(`ready: 127.0.0.1:${port}${target} mode ${mode}${mode === "pass" || mode === "hang" ? "" : ` after ${o.after}s`}`);
});

function stop(why: string): void {
  log(`stopping (${why}): ${JSON.stringify(stats.counts)}`);
  server.close();
  for (const s of open) s.destroy();
  stats.save();
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop("parent gone"), 500);
