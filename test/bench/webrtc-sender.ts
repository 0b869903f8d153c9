/**
 * The SENDER process of the WebRTC viewers benchmark (test/bench/webrtc-viewers.ts; not meant
 * to be run by hand): camserver's own pipeline for one RTSP camera (runSourceSession -> Pipeline
 * -> RtpFanout) and one WebRtcViewer per WHEP offer (answerOffer), exactly the pieces WebRtcHub
 * wires, minus Redis signalling and leases (set-up only, not on the per-packet path).
 *
 *   bun test/bench/webrtc-sender.ts --rtsp URL --port P [--preparsed]
 *
 * HTTP on 127.0.0.1:P (loopback, benchmark control only):
 *   POST /v1/cameras/bench/whep   SDP offer -> 201 SDP answer (what connectWhep expects)
 *   GET  /clock                   {now}: performance.timeOrigin + performance.now(), ms
 *   GET  /state                   {frames, viewers, connected, sourcePid}
 *   GET  /stats?from=&to=         frame log (rtpTimestamp, epoch sourceAt, keyframe) of frames whose
 *                                 sourceAt lies in [from, to], and per viewer: frames sent,
 *                                 queue drops, keyframe requests, close reason, and the
 *                                 "handed to SRTP" delays [epoch sourceAt, ms sourceAt -> onFrameSent]
 *   POST /reset                   closes every viewer (between runs)
 * Prints `ready: <port>` once the camera's first access unit went through the fanout.
 * SIGTERM/SIGINT: closes viewers, stops the source ffmpeg (killed and reaped), exits 0 (so that
 * `bun --cpu-prof` writes its profile).
 */
import { readdirSync, readFileSync } from "node:fs";
import { Pipeline } from "../../src/pipeline/pipeline.ts";
import { NETWORK_TIMEOUTS } from "../../src/pipeline/network-class.ts";
import { createSource } from "../../src/pipeline/source/source-table.ts";
import { createLogger } from "../../src/log.ts";
import { RtpFanout, type RtpFrame } from "../../src/pipeline/webrtc/rtp-fanout.ts";
import { WebRtcViewer } from "../../src/pipeline/webrtc/webrtc-viewer.ts";
import { answerOffer } from "../../src/pipeline/webrtc/whep-peer.ts";
import { RtpPacket } from "werift";

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i < 0 ? undefined : process.argv[i + 1];
  if (!v) throw new Error(`webrtc-sender: ${name} is required`);
  return v;
}
const RTSP = arg("--rtsp");
/** EXPERIMENT: viewers hand werift RtpPacket objects parsed once per frame (see PreparsedViewer). */
const PREPARSED = process.argv.includes("--preparsed");
const PORT = Number(arg("--port"));
const T0 = performance.timeOrigin;
const log = (msg: string) => console.error(`[sender] ${msg}`);

// ---------------------------------------------------------------- pipeline

const pipeline = new Pipeline();
const fanout = new RtpFanout();
pipeline.attach(fanout);

/** Frame log: RTP timestamp and epoch ms of `sourceAt`, one entry per access unit. */
const frameTs: number[] = [];
const frameAt: number[] = [];
const frameKey: number[] = [];
/** The first sink of the fanout (before any viewer): logs each frame, costs ~nothing. */
fanout.attach({
  offer(f: RtpFrame) {
    frameTs.push(f.rtpTimestamp);
    frameAt.push(T0 + f.sourceAt);
    frameKey.push(f.isKeyframe ? 1 : 0);
    if (frameTs.length > 60 * 30 * 10) {
      frameTs.splice(0, 30 * 60);
      frameAt.splice(0, 30 * 60);
      frameKey.splice(0, 30 * 60);
    }
  },
});

const stopping = new AbortController();
let sourcePid = 0;
let firstMedia!: () => void;
const live = new Promise<void>((r) => (firstMedia = r));

const source = createSource(
  { id: "bench", sourceUrl: RTSP, username: null, password: null, network: "local", sourceEngine: "auto" },
  { log: createLogger("warn") },
);

async function runSource(): Promise<void> {
  let sessions = 0;
  while (!stopping.signal.aborted) {
    if (sessions++ > 0) pipeline.sourceRestarted();
    const err = await source.run({
      camera: { id: "bench", sourceUrl: RTSP, username: null, password: null, network: "local", sourceEngine: "auto" },
      timeouts: NETWORK_TIMEOUTS.local,
      redact: (t) => t,
      onAccessUnit: (au) => pipeline.push(au),
      onParameterSets: (sps, pps) => pipeline.setParameterSets(sps, pps),
      onFirstMedia: () => firstMedia(),
      signal: stopping.signal,
    });
    if (stopping.signal.aborted) break;
    log(`source ended (${err.name}: ${err.message}); reconnecting`);
    await Bun.sleep(500);
  }
}
const sourceLoop = runSource();

// ---------------------------------------------------------------- viewers

/**
 * EXPERIMENT (`--preparsed`): the change proposed for RtpFanout/WebRtcViewer, without editing
 * src. werift's RTCRtpSender.dispatchRtp runs `RtpPacket.deSerialize(buffer)` for every packet
 * for every viewer when given a Buffer, but only `rtp.clone()` (a shallow header copy) when given
 * an RtpPacket. So each frame's packets are parsed ONCE (cached per frame, shared by every
 * viewer) and the viewer's queue holds the parsed frame. Sizes and keyframe flags are unchanged.
 */
const parsedFrames = new WeakMap<RtpFrame, RtpFrame>();
function preparsed(f: RtpFrame): RtpFrame {
  let p = parsedFrames.get(f);
  if (!p) {
    p = { ...f, packets: f.packets.map((b) => RtpPacket.deSerialize(b) as unknown as Buffer) };
    parsedFrames.set(f, p);
  }
  return p;
}
class PreparsedViewer extends WebRtcViewer {
  override offer(frame: RtpFrame): void {
    super.offer(preparsed(frame));
  }
}

interface ViewerRecord {
  readonly viewer: WebRtcViewer;
  /** werift's sender: its SSRC names the viewer's stream at the receiver. */
  readonly rtpSender: { ssrc: number; timestampOffset: number };
  /**
   * werift's RTP timestamp offset of this viewer over time: [first output timestamp it applied
   * to, offset]. Starts at offset 0; a keyframe request (replaceRTP) adds an entry.
   */
  readonly offsets: [number, number][];
  /** Epoch sourceAt and ms from sourceAt to "all packets handed to SRTP" (onFrameSent). */
  readonly sentAt: number[];
  readonly sentDelay: number[];
}
const viewers = new Map<string, ViewerRecord>();
let nextId = 0;

async function whep(req: Request): Promise<Response> {
  const sdp = await req.text();
  const id = `v${++nextId}`;
  try {
    const peer = await answerOffer(sdp, { publicIps: [], portRange: undefined });
    const sentAt: number[] = [];
    const sentDelay: number[] = [];
    const rtpSender = peer.sender as unknown as { ssrc: number; timestampOffset: number };
    const offsets: [number, number][] = [[-1, rtpSender.timestampOffset ?? 0]];
    const viewer = new (PREPARSED ? PreparsedViewer : WebRtcViewer)(id, peer, fanout, {
      onFrameSent: (f) => {
        const off = rtpSender.timestampOffset ?? 0;
        if (off !== offsets[offsets.length - 1]![1]) offsets.push([(f.rtpTimestamp + off) % 0x100000000, off]);
        sentAt.push(T0 + f.sourceAt);
        sentDelay.push(performance.now() - f.sourceAt);
        if (sentAt.length > 30 * 120) {
          sentAt.splice(0, 30 * 60);
          sentDelay.splice(0, 30 * 60);
        }
      },
    });
    viewers.set(id, { viewer, rtpSender, offsets, sentAt, sentDelay });
    viewer.start();
    return new Response(peer.answer, { status: 201, headers: { location: `/whep/${id}`, "content-type": "application/sdp" } });
  } catch (err) {
    return new Response((err as Error).message, { status: 400 });
  }
}

/** Like WebRtcHub.tick: closes viewers that went silent (no RTCP for 6 s) or never connected. */
const ticker = setInterval(() => {
  for (const [id, r] of viewers) {
    if (!r.viewer.alive()) {
      void r.viewer.close(r.viewer.closeReason ?? "viewer went silent");
      log(`viewer ${id} closed: ${r.viewer.closeReason}`);
    }
  }
}, 500);

async function closeAll(reason: string): Promise<void> {
  await Promise.all([...viewers.values()].map((r) => r.viewer.close(reason)));
  viewers.clear();
}

function stats(from: number, to: number): unknown {
  const frames: [number, number, number][] = [];
  for (let i = 0; i < frameTs.length; i++) if (frameAt[i]! >= from && frameAt[i]! <= to) frames.push([frameTs[i]!, frameAt[i]!, frameKey[i]!]);
  const vs = [...viewers.entries()].map(([id, r]) => {
    const delays: [number, number][] = [];
    for (let i = 0; i < r.sentAt.length; i++) if (r.sentAt[i]! >= from && r.sentAt[i]! <= to) delays.push([r.sentAt[i]!, r.sentDelay[i]!]);
    return {
      id,
      ssrc: r.rtpSender.ssrc,
      offsets: r.offsets,
      state: r.viewer.alive() ? "alive" : "closed",
      closeReason: r.viewer.closeReason,
      framesSent: r.viewer.framesSent,
      dropped: r.viewer.dropped,
      keyframeRequests: r.viewer.keyframeRequests,
      sentDelays: delays,
    };
  });
  return { frames, viewers: vs };
}

function childPid(): number {
  // The source ffmpeg is our only child process (spawnChild: setpriv -> setsid -> ffmpeg, one pid).
  try {
    for (const t of readdirSync(`/proc/${process.pid}/task`)) {
      const kids = readFileSync(`/proc/${process.pid}/task/${t}/children`, "utf8").trim();
      if (kids) return Number(kids.split(/\s+/)[0]);
    }
  } catch {}
  return 0;
}

// ---------------------------------------------------------------- control HTTP

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: PORT,
  idleTimeout: 60,
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/v1/cameras/bench/whep") return whep(req);
    if (url.pathname === "/clock") return Response.json({ now: T0 + performance.now() });
    if (url.pathname === "/state") {
      if (!sourcePid) sourcePid = childPid();
      const connected = [...viewers.values()].filter((r) => r.viewer.framesSent > 0 && r.viewer.alive()).length;
      return Response.json({ frames: fanout.frames, viewers: viewers.size, connected, sourcePid });
    }
    if (url.pathname === "/stats") return Response.json(stats(Number(url.searchParams.get("from")), Number(url.searchParams.get("to"))));
    if (req.method === "POST" && url.pathname === "/reset") {
      await closeAll("bench reset");
      return Response.json({ ok: true });
    }
    return new Response("not found", { status: 404 });
  },
});

async function shutdown(sig: string): Promise<void> {
  log(`${sig}: stopping`);
  clearInterval(ticker);
  await closeAll("sender stopping");
  stopping.abort();
  await sourceLoop;
  server.stop(true);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

await live;
sourcePid = childPid();
console.log(`ready: ${server.port} source pid ${sourcePid}`);
