import { afterAll, describe, expect, it } from "bun:test";
import { RTCPeerConnection, useH264 } from "werift";
import { BadRequestError } from "../../../../src/errors.ts";
import { answerOffer, checkOffer } from "../../../../src/pipeline/webrtc/whep-peer.ts";

const net = { publicIps: [], portRange: undefined } as const;
const peers: RTCPeerConnection[] = [];
afterAll(async () => {
  for (const p of peers) await p.close();
});

/** A recvonly offer from a werift peer offering the given H.264 fmtp lines in order. */
async function offer(params: string[]): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { video: params.map((parameters) => useH264({ parameters })) } });
  peers.push(pc);
  pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  return pc.localDescription!.sdp;
}

describe("checkOffer", () => {
  const cases: [string, string][] = [
    ["not SDP at all", "hello"],
    ["no video section", "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:x\r\n"],
    ["no H.264", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=ice-ufrag:x\r\n"],
    ["no ICE credentials", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\n"],
  ];
  for (const [what, sdp] of cases) {
    it(`rejects an offer with ${what} as a 400`, () => {
      expect(() => checkOffer(sdp)).toThrow(BadRequestError);
    });
  }
});

describe("answerOffer", () => {
  it("answers packetization-mode 1 even when the offer lists mode 0 first (Chromium's order)", async () => {
    const sdp = await offer(["profile-level-id=42e01f;packetization-mode=0", "profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1"]);
    const a = await answerOffer(sdp, net);
    peers.push(a.pc);
    const fmtp = a.answer.split("\n").filter((l) => l.startsWith("a=fmtp:"));
    expect(fmtp.length).toBeGreaterThan(0);
    expect(fmtp.every((l) => l.includes("packetization-mode=1"))).toBe(true);
    expect(a.answer).toContain("a=sendonly");
    expect(a.answer).toMatch(/a=candidate:.* typ host/);
  });

  it("refuses an offer that has only packetization-mode 0 with a 400", async () => {
    const sdp = await offer(["profile-level-id=42e01f;packetization-mode=0"]);
    await expect(answerOffer(sdp, net)).rejects.toBeInstanceOf(BadRequestError);
  });

  it("adds the configured public IPs as host candidates", async () => {
    const sdp = await offer(["profile-level-id=42e01f;packetization-mode=1"]);
    const a = await answerOffer(sdp, { publicIps: ["127.0.0.1"], portRange: [41000, 41100] });
    peers.push(a.pc);
    const candidates = a.answer.split("\n").filter((l) => l.startsWith("a=candidate:"));
    expect(candidates.some((c) => c.includes(" 127.0.0.1 "))).toBe(true);
    for (const c of candidates.filter((c) => c.includes(" udp "))) {
      const port = Number(c.split(" ")[5]);
      expect(port).toBeGreaterThanOrEqual(41000);
      expect(port).toBeLessThanOrEqual(41100);
    }
  });
});
