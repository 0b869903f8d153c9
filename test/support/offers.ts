/**
 * SDP offers for WHEP tests: a real werift offer (recvonly H.264 video, optionally Opus
 * audio), and the shapes an attacker sends made from it: many m-sections, another
 * direction, lines removed.
 */
import { RTCPeerConnection, useH264, useOPUS } from "werift";

/** A werift offer, candidates gathered; its peer is closed (the offer is for the server's checks only). */
export async function werriftOffer(opts: { audio?: boolean } = {}): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { video: [useH264()], audio: [useOPUS()] } });
  pc.addTransceiver("video", { direction: "recvonly" });
  if (opts.audio) pc.addTransceiver("audio", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
  });
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return sdp;
}

/** The offer with its first video m-section repeated `n` times (mids 0..n-1, all bundled). */
export function withVideoSections(offer: string, n: number): string {
  const start = offer.indexOf("m=video");
  const next = offer.indexOf("\r\nm=", start + 1);
  const head = offer.slice(0, start).replace(/a=group:BUNDLE[^\r\n]*/, `a=group:BUNDLE ${Array.from({ length: n }, (_, i) => i).join(" ")}`);
  const section = offer.slice(start, next < 0 ? undefined : next + 2);
  const body = Array.from({ length: n }, (_, i) => section.replace(/a=mid:[^\r\n]*/, `a=mid:${i}`)).join("");
  return `${head}${body.endsWith("\r\n") ? body : `${body}\r\n`}`;
}

/** The offer with every `a=recvonly` replaced by `a=<direction>`. */
export function withDirection(offer: string, direction: string): string {
  return offer.replaceAll("a=recvonly", `a=${direction}`);
}

/** The offer without the lines matching `re`. */
export function withoutLines(offer: string, re: RegExp): string {
  return offer
    .split("\r\n")
    .filter((l) => !re.test(l))
    .join("\r\n");
}
