/**
 * WebRTC viewers benchmark (not a bun test):
 *
 *   bun test/bench/webrtc-viewers.ts [--viewers 1,10,25] [--seconds 10] [--clip 720|1080|PATH]
 *                                    [--mode light|full] [--receivers 3] [--warmup 3]
 *                                    [--rcvbuf BYTES] [--profile DIR]
 *                                    [--variant base|preparsed] [--pli]
 *
 * One real test-bed RTSP camera (default cam720.mp4: 720p30, 1 s GOP, ~3 Mbit/s; `--clip 1080`:
 * cam1080.mp4, ~6.5 Mbit/s) and a SENDER PROCESS (test/bench/webrtc-sender.ts) running camserver's
 * pipeline for it: runSourceSession (ffmpeg) -> Pipeline -> RtpFanout -> one WebRtcViewer per
 * WHEP offer (answerOffer), the pieces WebRtcHub wires. For each viewer count N, N werift
 * receiving peers in up to `--receivers` OTHER processes (test/bench/webrtc-receiver.ts; `light`
 * reads the clear RTP header of each SRTP datagram without decrypting, `full` is connectWhep).
 * After all N receive and `--warmup` s (the cached-GOP catch-up is over), a window of `--seconds`:
 *
 *  - sender CPU: % of one core, utime+stime of the sender process from /proc/<pid>/stat over the
 *    window (all its threads; NOT its source ffmpeg, a child, shown apart, nor the receivers);
 *  - sender RSS (VmRSS at the end of the window), MB;
 *  - frames per second per viewer: frames of the window (source time) received complete (no
 *    sequence gap inside) by 1 s after its end, min and median over viewers; the source's rate;
 *  - packet loss: sequence gaps / (received + gaps) over all viewers, in the window;
 *  - latency: access unit arrives at the fanout (RtpFrame.sourceAt, logged by the sender with its
 *    RTP timestamp) -> its last (marker) RTP packet arrives at the receiver, correlated by RTP
 *    timestamp. Both sides use performance.timeOrigin + performance.now() (epoch ms, same host);
 *    the clocks are cross-checked by a ping (min-RTT midpoint, offset printed). werift adds a
 *    per-viewer constant to the RTP timestamp only after a keyframe request (replaceRTP): the
 *    sender logs each viewer's offsets (werift's RTCRtpSender.timestampOffset, checked after every
 *    frame) with the first timestamp each applied to; the receivers' timestamps are mapped back
 *    with them (viewer matched by SSRC) and must all be timestamps the fanout sent ("unmatched
 *    frames" 0). Printed as "RTP ts offsets": `0` = unchanged, `0>39061` = one keyframe request
 *    changed it. `--pli` makes every viewer send one keyframe request in the middle of the window;
 *  - "sent": sourceAt -> onFrameSent (every packet of the frame handed to SRTP/UDP), from the
 *    sender, to split the latency into sender queueing and the rest;
 *  - queue drops (frames the viewer's bounded queue skipped), UDP RcvbufErrors/SndbufErrors of
 *    the host (/proc/net/snmp: datagrams the kernel dropped because a socket buffer was full),
 *    receivers' CPU and the machine's busy % (both cores = 100 %) for context.
 * Prints a table and a final JSON line. Every process it starts (camera, sender and its ffmpeg,
 * receivers) is stopped at the end, on failure and on SIGINT/SIGTERM, and checked gone with ps.
 * `--rcvbuf BYTES`: light receivers set SO_RCVBUF of their sockets (default: the kernel's,
 * net.core.rmem_default, 208 KiB here), to tell burst overflow at the receiver from real loss.
 * `--variant`: `base` (default) measures camserver as it is (with the werift patch in
 * infra/patches, applied by `bun install`); `preparsed` (viewers hand werift RtpPacket objects
 * parsed once per frame, webrtc-sender.ts) measures a proposed change.
 * `--profile DIR`: the sender runs under `bun --cpu-prof --cpu-prof-dir DIR` (written at its exit;
 * summarise with `bun test/bench/cpuprofile-summary.ts DIR/webrtc-sender.cpuprofile`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { startBackground, stopAll, type Background } from "../support/background.ts";
import { freePort } from "../support/ports.ts";
import { clipsDir, startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { log, until } from "./kit/bench.ts";
import { pctNearestRank, r1, r2 } from "./kit/stats.ts";

// ---------------------------------------------------------------- options

function opt(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : (process.argv[i + 1] ?? def);
}
const VIEWERS = opt("--viewers", "1,10,25")
  .split(",")
  .map((s) => Number(s.trim()));
if (VIEWERS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--viewers needs whole numbers >= 1, e.g. 1,10,25");
const SECONDS = Number(opt("--seconds", "10"));
const WARMUP = Number(opt("--warmup", "3"));
const MODE = opt("--mode", "light");
const MAX_RECEIVERS = Number(opt("--receivers", "3"));
const CLIP_OPT = opt("--clip", "720");
const PROFILE = opt("--profile", "");
const RCVBUF = opt("--rcvbuf", "");
/** `--pli`: every viewer sends one keyframe request in the window (checks werift's replaceRTP mapping). */
const PLI = process.argv.includes("--pli");
/** `base`: camserver as it is; the others are experiments of proposed patches (see the sender). */
const VARIANT = opt("--variant", "base");
if (!["base", "preparsed"].includes(VARIANT)) throw new Error("--variant must be base or preparsed");
const HERE = import.meta.dir;
const CLK_TCK = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

const epoch = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- /proc helpers

/** utime+stime of a process in seconds (0 if gone). */
function cpuSeconds(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 of stat(5)
  } catch {
    return 0;
  }
}
/** [utime, stime] of a process in seconds. */
function cpuSplit(pid: number): [number, number] {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return [Number(f[11]) / CLK_TCK, Number(f[12]) / CLK_TCK];
  } catch {
    return [0, 0];
  }
}
/** CPU seconds of each thread of a process, by thread name (same names summed). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = tid === String(pid) ? "main (JS)" : s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
        const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
        out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK);
      } catch {}
    }
  } catch {}
  return out;
}
function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}
/** [busy, total] jiffies of all cores. */
function machineJiffies(): [number, number] {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3]! + f[4]!;
  return [total - idle, total];
}
function udpErrors(): { rcvbuf: number; sndbuf: number } {
  const lines = readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((l) => l.startsWith("Udp:"));
  const names = lines[0]!.split(/\s+/);
  const vals = lines[1]!.split(/\s+/).map(Number);
  return { rcvbuf: vals[names.indexOf("RcvbufErrors")]!, sndbuf: vals[names.indexOf("SndbufErrors")]! };
}
function alive(pid: number): boolean {
  const r = Bun.spawnSync(["ps", "-o", "pid=,stat=", "-p", String(pid)]);
  const out = r.stdout.toString().trim();
  return out !== "" && !out.split(/\s+/)[1]?.startsWith("Z");
}

// ---------------------------------------------------------------- HTTP helpers

async function getJson<T = any>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Offset of a process's clock from ours, ms (min-RTT midpoint of 15 pings). */
async function clockOffset(base: string): Promise<{ offset: number; rtt: number }> {
  let best = { offset: NaN, rtt: Infinity };
  for (let i = 0; i < 15; i++) {
    const a = epoch();
    const { now } = await getJson<{ now: number }>(`${base}/clock`);
    const b = epoch();
    if (b - a < best.rtt) best = { offset: now - (a + b) / 2, rtt: b - a };
  }
  return best;
}

// ---------------------------------------------------------------- processes

const started: { name: string; pid: number }[] = [];
let camera: TestbedServer | undefined;
let sender: Background | undefined;
let sourcePid = 0;
let receivers: { bg: Background; base: string; count: number }[] = [];

async function stopReceivers(): Promise<void> {
  await Promise.all(receivers.map((r) => r.bg.stop(3000)));
  receivers = [];
}

let cleaning: Promise<string> | undefined;
let interrupted = false;
/** Stops everything this bench started; one run shared by every caller (main path, signal handlers). */
function cleanup(): Promise<string> {
  return (cleaning ??= stopEverything());
}
async function stopEverything(): Promise<string> {
  await stopReceivers().catch(() => {});
  if (sender) await sender.stop(8000).catch(() => {});
  if (camera) await camera.stop(5000).catch(() => {});
  await stopAll().catch(() => {});
  // The sender's ffmpeg dies with it (pdeathsig) or on its SIGTERM path; check everything with ps.
  await Bun.sleep(300);
  const left = started.filter((p) => alive(p.pid));
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {}
  }
  const ps = Bun.spawnSync(["ps", "-o", "pid=,stat=,args=", "-p", started.map((p) => p.pid).join(",") || "1"])
    .stdout.toString()
    .trim();
  return left.length === 0
    ? `all ${started.length} started processes gone (ps -p ${started.map((p) => p.pid).join(",")}: ${ps === "" ? "no rows" : `only zombies awaiting their reaper: ${ps.replace(/\s+/g, " ")}`})`
    : `LEFT RUNNING (killed now): ${left.map((p) => `${p.name}:${p.pid}`).join(", ")}`;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    interrupted = true;
    log(`${sig}: cleaning up`);
    void cleanup().then((s) => {
      log(s);
      process.exit(130);
    });
  });
}

// ---------------------------------------------------------------- one run

interface RunResult {
  viewers: number;
  receiverProcs: number;
  connected: number;
  windowS: number;
  senderCpuPct: number;
  senderRssMb: number;
  /** Sender CPU in user and kernel mode, % of one core. */
  senderUserPct: number;
  senderSysPct: number;
  /** Sender CPU by thread name, % of one core (threads above 0.5 %). */
  senderThreadsPct: Record<string, number>;
  /** Packets per second sent to one viewer (received + lost / viewers / window). */
  packetsPerViewerPerS: number;
  sourceFfmpegCpuPct: number;
  cameraCpuPct: number;
  receiversCpuPct: number;
  machineBusyPct: number;
  /** CPU of every process on the host that this bench did not start, % of one core. */
  otherCpuPct: number;
  sourceFps: number;
  fpsMin: number;
  fpsMedian: number;
  lossPct: number;
  packetsReceived: number;
  packetsLost: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  keyframeLatencyP50: number;
  keyframeLatencyMax: number;
  pframeLatencyP99: number;
  sentP50: number;
  sentP99: number;
  queueDrops: number;
  keyframeRequests: number;
  udpRcvbufErrors: number;
  udpSndbufErrors: number;
  tsOffsets: Record<string, number>;
  /** Complete frames per second of each viewer. */
  fpsPerViewer: number[];
  unmatchedFrames: number;
  clockOffsetMaxMs: number;
}

async function run(n: number, senderBase: string, senderClock: number): Promise<RunResult> {
  const procs = Math.min(MAX_RECEIVERS, n);
  const counts = Array.from({ length: procs }, (_, i) => Math.floor(n / procs) + (i < n % procs ? 1 : 0));
  log(`N=${n}: ${procs} receiver process(es) holding ${counts.join("+")} peers (${MODE})`);
  for (const count of counts) {
    const port = freePort();
    const bg = startBackground([
      "bun",
      `${HERE}/webrtc-receiver.ts`,
      "--base",
      senderBase,
      "--count",
      String(count),
      "--port",
      String(port),
      "--mode",
      MODE,
      ...(RCVBUF ? ["--rcvbuf", RCVBUF] : []),
      ...(PLI ? ["--pli-after", String(Math.round((WARMUP + SECONDS / 2) * 1000))] : []),
    ]);
    started.push({ name: "receiver", pid: bg.pid });
    receivers.push({ bg, base: `http://127.0.0.1:${port}`, count });
  }
  await Promise.all(receivers.map((r) => r.bg.waitFor(/ready:/, 30_000 + 1500 * r.count)));
  for (const r of receivers) if (!/ready: (\d+) of \1/.test(r.bg.output())) log(`warning: ${r.bg.output().match(/ready:.*/)?.[0]}`);
  await until(`${n} viewers sending`, async () => (await getJson(`${senderBase}/state`)).connected >= n, 20_000, 100);
  const offsets = [senderClock, ...(await Promise.all(receivers.map((r) => clockOffset(r.base)))).map((o) => o.offset)];
  const clockOffsetMaxMs = Math.max(...offsets.map(Math.abs));
  await Bun.sleep(WARMUP * 1000);

  // ---- the window
  const sPid = sender!.pid;
  const cam0 = cpuSeconds(camera!.pid);
  const counters0 = await Promise.all(receivers.map((r) => getJson<{ packets: number; lost: number }[]>(`${r.base}/counters`)));
  const st0 = await getJson<{ viewers: { id: string; dropped: number; keyframeRequests: number }[] }>(`${senderBase}/stats?from=0&to=0`);
  const udp0 = udpErrors();
  const m0 = machineJiffies();
  const rc0 = receivers.map((r) => cpuSeconds(r.bg.pid));
  const ff0 = cpuSeconds(sourcePid);
  const th0 = threadCpu(sPid);
  const split0 = cpuSplit(sPid);
  const c0 = cpuSeconds(sPid);
  const t0 = epoch();
  await Bun.sleep(SECONDS * 1000);
  const t1 = epoch();
  const c1 = cpuSeconds(sPid);
  const split1 = cpuSplit(sPid);
  const th1 = threadCpu(sPid);
  const ff1 = cpuSeconds(sourcePid);
  const rc1 = receivers.map((r) => cpuSeconds(r.bg.pid));
  const m1 = machineJiffies();
  const udp1 = udpErrors();
  const cam1 = cpuSeconds(camera!.pid);
  const rss = rssMb(sPid);
  const counters1 = await Promise.all(receivers.map((r) => getJson<{ packets: number; lost: number }[]>(`${r.base}/counters`)));
  const win = (t1 - t0) / 1000;

  // ---- correlate (frames of the window may still be in flight: give them a second)
  await Bun.sleep(1000);
  const st = await getJson<{
    frames: [number, number, number][];
    viewers: {
      id: string;
      ssrc: number;
      offsets: [number, number][];
      dropped: number;
      keyframeRequests: number;
      sentDelays: [number, number][];
      state: string;
    }[];
  }>(`${senderBase}/stats?from=${t0 - 20000}&to=${t1}`);
  const sentAt = new Map<number, number>();
  const isKey = new Set<number>();
  for (const [ts, at, key] of st.frames) {
    sentAt.set(ts, at);
    if (key) isKey.add(ts);
  }
  const windowFrames = st.frames.filter(([, at]) => at >= t0);
  const recv = (
    await Promise.all(
      receivers.map((r) => getJson<{ ssrc: number; frames: [number, number, number][] }[]>(`${r.base}/frames?from=${t0 - 5000}&to=${t1 + 1000}`)),
    )
  ).flat();
  const offsetsBySsrc = new Map(st.viewers.map((v) => [v.ssrc, v.offsets]));

  const latencies: number[] = [];
  const keyLatencies: number[] = [];
  const pLatencies: number[] = [];
  const fps: number[] = [];
  const tsOffsets: Record<string, number> = {};
  let unmatched = 0;
  for (const { ssrc, frames } of recv) {
    // werift sends the fanout's RTP timestamps plus a per-viewer offset: 0 until a keyframe
    // request makes the viewer call replaceRTP, then a new constant (the resent cached GOP goes
    // on from the last timestamp sent). The sender logs each viewer's offsets with the first
    // output timestamp each applied to (viewer found by its SSRC); received timestamps are mapped
    // back with them, in arrival order. Every mapped timestamp must be one the fanout sent:
    // those that are not are counted as "unmatched frames" (0 = mapping verified).
    const offsets = offsetsBySsrc.get(ssrc) ?? [[-1, 0]];
    let oi = 0;
    const seen = new Set<number>();
    let complete = 0;
    for (const [ts, at, ok] of frames) {
      while (oi + 1 < offsets.length && offsets[oi + 1]![0] === ts) oi++;
      const sts = (ts - offsets[oi]![1] + 0x100000000) % 0x100000000;
      const src = sentAt.get(sts);
      if (src === undefined) {
        if (at >= t0 && at <= t1) unmatched++;
        continue;
      }
      // A frame received twice (the cached GOP resent after a keyframe request) counts once: its
      // first arrival is the live one.
      if (seen.has(sts)) continue;
      seen.add(sts);
      if (src < t0 || src > t1) continue;
      latencies.push(at - src);
      if (isKey.has(sts)) keyLatencies.push(at - src);
      else pLatencies.push(at - src);
      if (ok) complete++;
    }
    const key = offsets.map(([, o]) => (o > 0x80000000 ? o - 0x100000000 : o)).join(">");
    tsOffsets[key] = (tsOffsets[key] ?? 0) + 1;
    fps.push(complete / win);
  }
  let packets = 0;
  let lost = 0;
  counters1.flat().forEach((c, i) => {
    packets += c.packets - counters0.flat()[i]!.packets;
    lost += c.lost - counters0.flat()[i]!.lost;
  });
  const drops0 = new Map(st0.viewers.map((v) => [v.id, v]));
  const queueDrops = st.viewers.reduce((a, v) => a + v.dropped - (drops0.get(v.id)?.dropped ?? 0), 0);
  const keyframeRequests = st.viewers.reduce((a, v) => a + v.keyframeRequests, 0);
  const sent = st.viewers.flatMap((v) => v.sentDelays.filter(([at]) => at >= t0).map(([, d]) => d));
  const closed = st.viewers.filter((v) => v.state !== "alive").length;
  if (closed > 0) log(`warning: ${closed} viewers closed during the run`);
  if (windowFrames.length < 0.8 * 30 * win || packets === 0)
    log(
      `warning: N=${n}: the source delivered ${windowFrames.length} frames and the receivers ${packets} packets in ${win.toFixed(1)} s: not a valid measurement`,
    );

  const res: RunResult = {
    viewers: n,
    receiverProcs: procs,
    connected: recv.length,
    windowS: r2(win),
    senderCpuPct: r1((100 * (c1 - c0)) / win),
    senderRssMb: r1(rss),
    senderUserPct: r1((100 * (split1[0] - split0[0])) / win),
    senderSysPct: r1((100 * (split1[1] - split0[1])) / win),
    senderThreadsPct: Object.fromEntries(
      [...th1.entries()]
        .map(([k, v]) => [k, r1((100 * (v - (th0.get(k) ?? 0))) / win)] as const)
        .filter(([, v]) => v >= 0.5)
        .sort((a, b) => b[1] - a[1]),
    ),
    packetsPerViewerPerS: Math.round((packets + lost) / n / win),
    sourceFfmpegCpuPct: r1((100 * (ff1 - ff0)) / win),
    cameraCpuPct: r1((100 * (cam1 - cam0)) / win),
    receiversCpuPct: r1((100 * rc1.reduce((a, x, i) => a + x - rc0[i]!, 0)) / win),
    machineBusyPct: r1((100 * (m1[0] - m0[0])) / (m1[1] - m0[1])),
    otherCpuPct: r1((100 * ((m1[0] - m0[0]) / CLK_TCK - (c1 - c0) - (ff1 - ff0) - (cam1 - cam0) - rc1.reduce((a, x, i) => a + x - rc0[i]!, 0))) / win),
    sourceFps: r1(windowFrames.length / win),
    fpsMin: r1(Math.min(...fps)),
    fpsMedian: r1(pctNearestRank(fps, 50)),
    lossPct: r2((100 * lost) / Math.max(1, packets + lost)),
    packetsReceived: packets,
    packetsLost: lost,
    latencyP50: r2(pctNearestRank(latencies, 50)),
    latencyP99: r2(pctNearestRank(latencies, 99)),
    latencyMax: r2(Math.max(...latencies)),
    keyframeLatencyP50: r2(pctNearestRank(keyLatencies, 50)),
    keyframeLatencyMax: r2(Math.max(...keyLatencies)),
    pframeLatencyP99: r2(pctNearestRank(pLatencies, 99)),
    sentP50: r2(pctNearestRank(sent, 50)),
    sentP99: r2(pctNearestRank(sent, 99)),
    queueDrops,
    keyframeRequests,
    udpRcvbufErrors: udp1.rcvbuf - udp0.rcvbuf,
    udpSndbufErrors: udp1.sndbuf - udp0.sndbuf,
    tsOffsets,
    fpsPerViewer: fps.map(r1),
    unmatchedFrames: unmatched,
    clockOffsetMaxMs: r2(clockOffsetMaxMs),
  };
  log(`N=${n}: ${JSON.stringify(res)}`);

  // The sender closes its viewers first, then the receivers go: a werift UDP socket of the
  // sender twice died here of an unhandled 'error' event (recvmsg ECONNREFUSED) when the
  // receivers went first and the sender kept sending to their closed ports.
  await getJson(`${senderBase}/reset`, { method: "POST" });
  await stopReceivers();
  await Bun.sleep(1500);
  return res;
}

// ---------------------------------------------------------------- main

function table(rows: RunResult[]): string {
  const head = [
    "viewers",
    "sender CPU %",
    "RSS MB",
    "fps min/med",
    "loss %",
    "lat p50/p99/max ms",
    "sent p50/p99 ms",
    "q drops",
    "udp rcvbuf err",
    "ffmpeg %",
    "recv %",
    "other %",
    "machine %",
  ];
  const body = rows.map((r) => [
    String(r.viewers),
    r.senderCpuPct.toFixed(1),
    r.senderRssMb.toFixed(0),
    `${r.fpsMin.toFixed(1)}/${r.fpsMedian.toFixed(1)}`,
    r.lossPct.toFixed(2),
    `${r.latencyP50.toFixed(1)}/${r.latencyP99.toFixed(1)}/${r.latencyMax.toFixed(1)}`,
    `${r.sentP50.toFixed(1)}/${r.sentP99.toFixed(1)}`,
    String(r.queueDrops),
    String(r.udpRcvbufErrors),
    r.sourceFfmpegCpuPct.toFixed(1),
    r.receiversCpuPct.toFixed(0),
    r.otherCpuPct.toFixed(0),
    r.machineBusyPct.toFixed(0),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(w[i]!)).join(" | ") + " |";
  return [line(head), "|" + w.map((x) => "-".repeat(x + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

let exitCode = 0;
const results: RunResult[] = [];
let clip = "";
try {
  clip = CLIP_OPT === "720" ? `${clipsDir()}/cam720.mp4` : CLIP_OPT === "1080" ? `${clipsDir()}/cam1080.mp4` : resolve(CLIP_OPT);
  camera = await startRtspCamera({ clip });
  started.push({ name: "rtsp-camera", pid: camera.pid });
  const port = freePort();
  const bunFlags = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${resolve(PROFILE)}`, "--cpu-prof-name=webrtc-sender.cpuprofile"] : [];
  const senderFlags = VARIANT === "preparsed" ? ["--preparsed"] : [];
  sender = startBackground(["bun", ...bunFlags, `${HERE}/webrtc-sender.ts`, "--rtsp", camera.url, "--port", String(port), ...senderFlags]);
  started.push({ name: "sender", pid: sender.pid });
  const ready = await sender.waitFor(/ready: \d+ source pid \d+/, 30_000);
  sourcePid = Number(ready.match(/source pid (\d+)/)![1]);
  if (sourcePid) started.push({ name: "source ffmpeg", pid: sourcePid });
  const senderBase = `http://127.0.0.1:${port}`;
  const senderClock = (await clockOffset(senderBase)).offset;
  log(`camera ${camera.url} (${clip}), sender pid ${sender.pid}, its ffmpeg pid ${sourcePid}, sender clock offset ${senderClock.toFixed(3)} ms`);
  await Bun.sleep(2000);
  for (const n of VIEWERS) results.push(await run(n, senderBase, senderClock));
} catch (err) {
  exitCode = 1;
  log(interrupted ? `interrupted (${(err as Error).message})` : `FAILED: ${(err as Error).stack ?? err}`);
  if (sender) log(`sender output (tail): ${sender.output().slice(-3000)}`);
  for (const r of receivers) log(`receiver ${r.bg.pid} output (tail): ${r.bg.output().slice(-1500)}`);
} finally {
  const gone = await cleanup();
  log(gone);
  if (gone.startsWith("LEFT")) exitCode = 1;
}

if (results.length > 0) {
  const nproc = Bun.spawnSync(["nproc"]).stdout.toString().trim();
  console.log(
    `\nWebRTC viewers, variant ${VARIANT}, clip ${clip.split("/").pop()}, receivers ${MODE}${RCVBUF ? ` rcvbuf ${RCVBUF}` : ""}, window ${SECONDS} s after ${WARMUP} s warm-up, ${nproc} cores, Bun ${Bun.version}`,
  );
  console.log(
    "sender CPU, ffmpeg, recv (receivers), other (processes this bench did not start) = % of one core; machine = both cores busy %;\n" +
      "latency = access unit at the fanout -> its last RTP packet at the receiver; sent = -> onFrameSent (handed to SRTP/UDP)\n",
  );
  console.log(table(results));
  console.log("");
  for (const r of results) {
    console.log(
      `N=${r.viewers}: sender user ${r.senderUserPct} % + sys ${r.senderSysPct} %, threads ${JSON.stringify(r.senderThreadsPct)}, ${r.packetsPerViewerPerS} packets/s per viewer\n` +
        `  source ${r.sourceFps} fps, ${r.packetsReceived} packets received / ${r.packetsLost} lost, camera ${r.cameraCpuPct} %, ` +
        `other processes ${r.otherCpuPct} % of a core, latency keyframes p50 ${r.keyframeLatencyP50} / max ${r.keyframeLatencyMax} ms, P-frames p99 ${r.pframeLatencyP99} ms, ` +
        `udp sndbuf errors ${r.udpSndbufErrors}, keyframe requests ${r.keyframeRequests}, RTP ts offsets ${JSON.stringify(r.tsOffsets)}, ` +
        `unmatched frames ${r.unmatchedFrames}, max clock offset ${r.clockOffsetMaxMs} ms`,
    );
  }
  console.log(
    JSON.stringify({
      bench: "webrtc-viewers",
      variant: VARIANT,
      clip: clip.split("/").pop(),
      mode: MODE,
      rcvbuf: RCVBUF || "default",
      seconds: SECONDS,
      bun: Bun.version,
      results,
    }),
  );
}
process.exit(exitCode);
