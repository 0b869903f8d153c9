/**
 * Summarises a `.cpuprofile` written by `bun --cpu-prof` (used with webrtc-viewers.ts --profile):
 *
 *   bun test/bench/cpuprofile-summary.ts FILE.cpuprofile [--top 30]
 *
 * Bun samples the JS thread only while it runs, and each sample's time delta includes the idle gap
 * before it, so time is counted here in SAMPLES (one per interval of busy JS thread), not in
 * deltas. Prints the share of samples by self function (with location), and the stages of the
 * WebRTC send path: a sample counts for the FIRST stage of the list (most specific first) that
 * matches any frame of its stack.
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) throw new Error("usage: bun test/bench/cpuprofile-summary.ts FILE.cpuprofile [--top N]");
const topIdx = process.argv.indexOf("--top");
const TOP = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 30;
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) => url.replace(/^.*\/node_modules\//, "").replace(/^.*\/work\/main\//, "");
const label = (n: Node) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url ? `${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : "[native]"}`;

/** Stages of the send path, most specific first: a sample goes to the first that matches any frame of its stack. */
const STAGES: [string, (n: Node) => boolean][] = [
  ["UDP send (node:dgram -> native send)", (n) => n.callFrame.url.startsWith("node:dgram")],
  ["SRTP encrypt (werift encryptRtp / node:crypto)", (n) => /encrypt(Rtp|Rtcp)?$/.test(n.callFrame.functionName) || n.callFrame.url === "node:crypto"],
  [
    "werift ICE/transport send (Connection.send, sendData)",
    (n) => /werift/.test(n.callFrame.url) && /^(async )?(send|sendData)$/.test(n.callFrame.functionName) && !/sendRtp/.test(n.callFrame.functionName),
  ],
  ["werift RtpPacket.deSerialize (Buffer -> object, per viewer)", (n) => /werift/.test(n.callFrame.url) && /deSerialize/.test(n.callFrame.functionName)],
  ["werift ntpTime (per packet)", (n) => n.callFrame.functionName === "ntpTime"],
  ["werift sender BWE rtpPacketSent", (n) => n.callFrame.functionName === "rtpPacketSent"],
  ["werift RTCP (runRtcp/sendRtcp, incoming RTCP)", (n) => /werift/.test(n.callFrame.url) && /Rtcp|rtcp/.test(n.callFrame.functionName)],
  ["werift dispatchRtp (rest: header ext., offsets, cache)", (n) => /werift/.test(n.callFrame.url) && /dispatchRtp/.test(n.callFrame.functionName)],
  ["werift sendRtp (rest)", (n) => /werift/.test(n.callFrame.url) && /sendRtp/.test(n.callFrame.functionName)],
  [
    "werift receive path (datagramReceived, STUN)",
    (n) => /werift/.test(n.callFrame.url) && /datagramReceived|parseMessage|onRequestReceived/.test(n.callFrame.functionName),
  ],
  ["werift other", (n) => /werift/.test(n.callFrame.url)],
  ["camserver RTP packetizer", (n) => /h264-packetizer/.test(n.callFrame.url)],
  ["camserver WebRtcViewer / queue", (n) => /webrtc-viewer|consumer-queue/.test(n.callFrame.url)],
  ["camserver RtpFanout", (n) => /rtp-fanout/.test(n.callFrame.url)],
  [
    "camserver source: FLV demux, pipeline, ffmpeg pipe",
    (n) => /flv-demux|pipeline\.ts|source-runner|stall-watchdog|parameter-sets|access-unit|annexb/.test(n.callFrame.url),
  ],
  ["answerOffer / WHEP setup", (n) => /whep-peer|webrtc-sender/.test(n.callFrame.url)],
];

const self = new Map<string, number>();
const stage = new Map<string, number>();
const stageCache = new Map<number, string>();
function stageOf(id: number): string {
  const cached = stageCache.get(id);
  if (cached) return cached;
  const stack: Node[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!);
  const hit = STAGES.find(([, f]) => stack.some(f));
  const s = hit ? hit[0] : "other (runtime, GC, timers, unattributed)";
  stageCache.set(id, s);
  return s;
}
for (const id of p.samples) {
  const n = byId.get(id)!;
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + 1);
  const s = stageOf(id);
  stage.set(s, (stage.get(s) ?? 0) + 1);
}
const total = p.samples.length;
const pc = (x: number) => `${((100 * x) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${total} samples (busy JS thread) over ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s of wall time`);
console.log("\nBy stage (first matching stage, most specific first):");
for (const [k, v] of [...stage.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${pc(v)}  ${k}`);
console.log(`\nTop ${TOP} functions by self samples:`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pc(v)}  ${k}`);
