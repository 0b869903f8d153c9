/**
 * A RECEIVER process of the WebRTC viewers benchmark (test/bench/webrtc-viewers.ts; not meant to
 * be run by hand): holds `--count` werift receiving peers connected by WHEP to the sender.
 *
 *   bun test/bench/webrtc-receiver.ts --base URL --count K --port P [--mode light|full] [--rcvbuf BYTES]
 *                                     [--pli-after MS]
 *
 * `light` (default): a werift peer does ICE, DTLS and the SRTP key exchange, but once connected
 * the RTP datagrams are taken from its UDP transport before werift sees them and are not
 * decrypted (the RTP header is in the clear in SRTP, RFC 3711 §3.1: sequence number, timestamp,
 * marker are read from the datagram as it arrives); STUN (consent checks), DTLS and RTCP still
 * go to werift. The peer sends a receiver report for the sender's SSRC every second (what keeps
 * a WebRtcViewer alive; a browser sends them too). Receivers share the 2 cores with the sender,
 * so they must cost as little as possible.
 * `full`: test/support/whep-client.ts connectWhep (decrypts, depacketizes every access unit).
 *
 * Receive time of a frame = arrival of its marker packet (the last of the access unit), in
 * epoch ms (performance.timeOrigin + performance.now(), like the sender's log).
 * HTTP on 127.0.0.1:P: GET /clock, GET /state {connected}, GET /counters (packets and lost per
 * viewer), GET /frames?from=&to= (per viewer: SSRC and [rtpTimestamp, at, complete] with `at` in
 * the window).
 * Prints `ready: K` once every peer is connected. SIGTERM: closes the peers, exits.
 */
import {
  PictureLossIndication,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  SrtpAuthenticationError,
  SrtpSession,
  useH264,
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
} from "werift";
import { connectWhep } from "../support/whep-client.ts";

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(name);
  const v = i < 0 ? def : process.argv[i + 1];
  if (v === undefined) throw new Error(`webrtc-receiver: ${name} is required`);
  return v;
}
const BASE = arg("--base");
const COUNT = Number(arg("--count"));
const PORT = Number(arg("--port"));
const MODE = arg("--mode", "light") as "light" | "full";
/** SO_RCVBUF for the light receivers' sockets, bytes; 0 = the kernel default. */
const RCVBUF = Number(arg("--rcvbuf", "0"));
/** Light peers send ONE picture loss indication this long after `ready` (0 = never), ms. */
const PLI_AFTER = Number(arg("--pli-after", "0"));
const T0 = performance.timeOrigin;
const log = (msg: string) => console.error(`[receiver ${process.pid}] ${msg}`);

/** What the benchmark reads of one receiving peer. */
interface Peer {
  readonly pc: RTCPeerConnection;
  /** RTP packets received. */
  packets(): number;
  /** Sequence-number gaps (lost packets). */
  lost(): number;
  /** Frames: RTP timestamp, epoch ms of the marker packet, no gap inside the frame. */
  readonly frames: { ts: number; at: number; complete: boolean }[];
  close(): Promise<void>;
  /** SSRC of the stream received (-1 before the first packet). */
  ssrc(): number;
  /** Sends a picture loss indication to the sender (light peers). */
  pli?(): void;
}

// ---------------------------------------------------------------- light receiver

if (MODE === "light") {
  // Never decrypt SRTP in this process (RTCP still is): werift drops the packet quietly.
  const skip = new SrtpAuthenticationError("bench: SRTP not decrypted");
  SrtpSession.prototype.decrypt = () => {
    throw skip;
  };
}

/** RTP version 2, and not RTCP (packet types 192-223 in the second byte, RFC 5761 §4). */
function isRtp(b: Buffer): boolean {
  return b.length >= 12 && b[0]! >> 6 === 2 && !(b[1]! >= 192 && b[1]! <= 223);
}

async function connectLight(): Promise<Peer> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { video: [useH264()] } });
  const transceiver: RTCRtpTransceiver = pc.addTransceiver("video", { direction: "recvonly" });
  const frames: Peer["frames"] = [];
  let packets = 0;
  let lost = 0;
  let lastSeq = -1;
  let gapInFrame = false;
  let senderSsrc = -1;
  let rr: ReturnType<typeof setInterval> | undefined;
  const onDatagram = (b: Buffer) => {
    const at = T0 + performance.now();
    packets++;
    const seq = b.readUInt16BE(2);
    senderSsrc = b.readUInt32BE(8);
    const delta = lastSeq < 0 ? 1 : (seq - lastSeq + 0x10000) % 0x10000;
    if (delta === 0 || delta > 0x8000) return; // duplicate or late
    if (delta > 1) {
      lost += delta - 1;
      gapInFrame = true;
    }
    lastSeq = seq;
    if (b[1]! & 0x80) {
      frames.push({ ts: b.readUInt32BE(4), at, complete: !gapInFrame });
      gapInFrame = false;
    }
  };
  let hooked = false;
  pc.connectionStateChange.subscribe((s) => {
    if (s !== "connected" || hooked) return;
    hooked = true;
    const dtls = transceiver.receiver.dtlsTransport as RTCDtlsTransport;
    // Take RTP datagrams straight from the UDP transports of the ICE agent (every local
    // candidate's socket: werift may switch the nominated pair), before werift's STUN parse, ICE
    // and DTLS/SRTP demux; everything else (STUN consent checks, DTLS, RTCP) still goes to werift.
    // An RTP datagram that still reaches the ICE layer (a socket added later) is counted there.
    const conn = dtls.iceTransport.connection as any;
    for (const protocol of conn.protocols ?? []) {
      const transport = protocol.transport;
      if (!transport || typeof transport.onData !== "function" || transport.benchHooked) continue;
      const werift = transport.onData as (data: Buffer, addr: unknown) => void;
      transport.onData = (data: Buffer, addr: unknown) => (isRtp(data) ? onDatagram(data) : werift(data, addr));
      transport.benchHooked = true;
      if (RCVBUF > 0) transport.socket?.setRecvBufferSize?.(RCVBUF);
    }
    conn.onData.subscribe((d: Buffer) => isRtp(d) && onDatagram(d));
    rr = setInterval(() => {
      if (senderSsrc < 0) return;
      const report = new RtcpReceiverInfo({
        ssrc: senderSsrc,
        fractionLost: 0,
        packetsLost: lost,
        highestSequence: Math.max(lastSeq, 0),
        jitter: 0,
        lsr: 0,
        dlsr: 0,
      });
      void dtls.sendRtcp([new RtcpRrPacket({ ssrc: 0x1234, reports: [report] })]).catch(() => {});
    }, 1000);
  });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
  });
  const res = await fetch(`${BASE}/v1/cameras/bench/whep`, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription!.sdp });
  const text = await res.text();
  if (res.status !== 201) {
    await pc.close();
    throw new Error(`WHEP POST ${res.status}: ${text}`);
  }
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  return {
    pc,
    frames,
    packets: () => packets,
    lost: () => lost,
    ssrc: () => senderSsrc,
    close: async () => {
      clearInterval(rr);
      await pc.close();
    },
    pli: () => {
      const dtls = transceiver.receiver.dtlsTransport as RTCDtlsTransport;
      const fb = new PictureLossIndication({ senderSsrc: 0x1234, mediaSsrc: senderSsrc });
      void dtls.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: fb })]).catch(() => {});
    },
  };
}

async function connectFull(): Promise<Peer> {
  const v = await connectWhep(BASE, "bench", "none");
  // connectWhep keeps `at` as performance.now() and no gap flag: adapt lazily when read.
  const frames: Peer["frames"] = [];
  let read = 0;
  return {
    pc: v.pc,
    get frames() {
      for (; read < v.frames.length; read++) {
        const f = v.frames[read]!;
        frames.push({ ts: f.rtpTimestamp, at: T0 + f.at, complete: true });
      }
      return frames;
    },
    packets: () => v.packets,
    lost: () => v.lost,
    ssrc: () => (v.pc.getReceivers()[0]?.tracks[0] as { ssrc?: number } | undefined)?.ssrc ?? -1,
    close: () => v.close(),
  };
}

// ---------------------------------------------------------------- main

const peers: Peer[] = [];
for (let i = 0; i < COUNT; i++) peers.push(MODE === "light" ? await connectLight() : await connectFull());

const connected = () => peers.filter((p) => p.pc.connectionState === "connected" && p.packets() > 0).length;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: PORT,
  idleTimeout: 60,
  fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === "/clock") return Response.json({ now: T0 + performance.now() });
    if (url.pathname === "/state") return Response.json({ connected: connected(), count: peers.length });
    if (url.pathname === "/counters") return Response.json(peers.map((p) => ({ packets: p.packets(), lost: p.lost() })));
    if (url.pathname === "/frames") {
      const from = Number(url.searchParams.get("from"));
      const to = Number(url.searchParams.get("to"));
      return Response.json(
        peers.map((p) => ({ ssrc: p.ssrc(), frames: p.frames.filter((f) => f.at >= from && f.at <= to).map((f) => [f.ts, f.at, f.complete ? 1 : 0]) })),
      );
    }
    return new Response("not found", { status: 404 });
  },
});

async function shutdown(): Promise<void> {
  await Promise.all(peers.map((p) => p.close().catch(() => {})));
  server.stop(true);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());

const deadline = Date.now() + 20_000;
while (connected() < COUNT && Date.now() < deadline) await Bun.sleep(50);
if (connected() < COUNT) log(`only ${connected()} of ${COUNT} peers receive after 20 s`);
console.log(`ready: ${connected()} of ${COUNT} (${MODE})`);
if (PLI_AFTER > 0) setTimeout(() => peers.forEach((p) => p.pli?.()), PLI_AFTER);
