/**
 * A lightweight WHEP client for tests and benchmarks: a werift peer that offers to
 * receive H.264 and reassembles access units with camserver's own depacketizer.
 */
import { RTCPeerConnection, useH264 } from "werift";
import { H264Depacketizer } from "../../src/media/rtp/h264-depacketizer.ts";

/** A receiving viewer. */
export interface WhepViewer {
  readonly pc: RTCPeerConnection;
  /** Location of the WHEP session. */
  location: string;
  /** Access units received, with `performance.now()` at their last packet. */
  readonly frames: { rtpTimestamp: number; at: number; keyframe: boolean; bytes: number }[];
  /** RTP packets received. */
  packets: number;
  /** Sequence-number gaps seen (lost packets). */
  lost: number;
  close(): Promise<void>;
}

/** UDP receive buffer of a test viewer's ICE sockets, bytes. */
const RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;

/** Creates an offer, POSTs it, applies the answer. @throws Error with the HTTP status on failure */
export async function connectWhep(base: string, cameraId: string, token: string): Promise<WhepViewer> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { video: [useH264()] } });
  const transceiver = pc.addTransceiver("video", { direction: "recvonly" });
  const viewer: WhepViewer = { pc, location: "", frames: [], packets: 0, lost: 0, close: async () => void (await pc.close()) };
  const dep = new H264Depacketizer();
  let lastSeq = -1;
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      const now = performance.now();
      viewer.packets++;
      const seq = rtp.header.sequenceNumber;
      const delta = lastSeq < 0 ? 1 : (seq - lastSeq + 0x10000) % 0x10000;
      if (delta === 0 || delta > 0x8000) return; // duplicate or late (retransmission)
      viewer.lost += delta - 1;
      lastSeq = seq;
      try {
        const au = dep.push(new Uint8Array(rtp.serialize()));
        if (au)
          viewer.frames.push({ rtpTimestamp: rtp.header.timestamp, at: now, keyframe: au.isKeyframe, bytes: au.nalus.reduce((n, x) => n + x.byteLength, 0) });
      } catch {
        // malformed packet: counted as loss by the sequence check
      }
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
  });
  // A 2 MiB UDP receive buffer, as browsers use: with the kernel's default 208 KiB, a keyframe
  // burst overflows it whenever the test runner pauses for GC (werift reads in the test process).
  const conn = (transceiver.receiver.dtlsTransport as any)?.iceTransport?.connection;
  for (const p of conn?.protocols ?? []) p.transport?.socket?.setRecvBufferSize?.(RECEIVE_BUFFER_BYTES);
  const res = await fetch(`${base}/v1/cameras/${cameraId}/whep`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/sdp" },
    body: pc.localDescription!.sdp,
  });
  const text = await res.text();
  if (res.status !== 201) {
    await pc.close();
    throw Object.assign(new Error(`WHEP POST ${res.status}: ${text}`), { status: res.status });
  }
  viewer.location = res.headers.get("location") ?? "";
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  return viewer;
}
