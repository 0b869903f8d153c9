import { describe, expect, it } from "bun:test";
import { BadRequestError, PayloadTooLargeError } from "../../../src/errors.ts";
import { checkWhepOffer, MAX_OFFER_BYTES } from "../../../src/webrtc/whep-offer-rules.ts";

/** A recvonly H.264 + Opus offer as werift 0.25.2's createOffer() writes it (candidates trimmed to one each). */
const OFFER = [
  "v=0",
  "o=- 11029483 0 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "a=extmap-allow-mixed",
  "a=msid-semantic:WMS *",
  "m=video 9 UDP/TLS/RTP/SAVPF 97",
  "c=IN IP4 0.0.0.0",
  "a=candidate:32b1715da3b0ef8ba684454eb 1 udp 2116026367 192.0.2.2 35857 typ host generation 0 ufrag 4c24",
  "a=end-of-candidates",
  "a=ice-ufrag:4c24",
  "a=ice-pwd:67f3ff7fa8f173dc89e861",
  "a=ice-options:trickle",
  "a=fingerprint:sha-256 14:55:89:1A:8B:82:69:68:1B:A3:53:73:7E:9A:39:15:F0:CB:0B:47:E1:39:04:8B:C2:BF:96:0B:49:1A:B4:FC",
  "a=setup:actpass",
  "a=recvonly",
  "a=mid:0",
  "a=rtcp-mux",
  "a=rtpmap:97 H264/90000",
  "a=fmtp:97 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 96",
  "c=IN IP4 0.0.0.0",
  "a=ice-ufrag:4c24",
  "a=ice-pwd:67f3ff7fa8f173dc89e861",
  "a=fingerprint:sha-256 14:55:89:1A:8B:82:69:68:1B:A3:53:73:7E:9A:39:15:F0:CB:0B:47:E1:39:04:8B:C2:BF:96:0B:49:1A:B4:FC",
  "a=setup:actpass",
  "a=recvonly",
  "a=mid:1",
  "a=rtpmap:96 OPUS/48000/2",
  "",
].join("\r\n");

const videoOnly = OFFER.slice(0, OFFER.indexOf("m=audio"));
const edit = (from: string, to: string, sdp = OFFER) => sdp.replaceAll(from, to);
const without = (re: RegExp, sdp = OFFER) =>
  sdp
    .split("\r\n")
    .filter((l) => !re.test(l))
    .join("\r\n");

describe("checkWhepOffer", () => {
  it("accepts a recvonly video + audio offer, a video-only one, sendrecv, and session-level credentials", () => {
    expect(() => checkWhepOffer(OFFER)).not.toThrow();
    expect(() => checkWhepOffer(videoOnly)).not.toThrow();
    expect(() => checkWhepOffer(edit("a=recvonly", "a=sendrecv"))).not.toThrow();
    expect(() => checkWhepOffer(without(/^a=(recvonly|sendrecv)$/))).not.toThrow(); // sendrecv by default (RFC 8866 §6.7)
    const sessionLevel = without(/^a=(ice-ufrag|ice-pwd|fingerprint)/, videoOnly).replace(
      "t=0 0",
      "t=0 0\r\na=ice-ufrag:4c24\r\na=ice-pwd:67f3ff7fa8f173dc89e861\r\na=fingerprint:sha-256 14:55:89:1A:8B:82:69:68:1B:A3:53:73:7E:9A:39:15:F0:CB:0B:47:E1:39:04:8B:C2:BF:96:0B:49:1A:B4:FC",
    );
    expect(() => checkWhepOffer(sessionLevel)).not.toThrow();
  });

  const refused: [string, string, string][] = [
    ["not SDP", "hello", "v=0"],
    ["two video sections", `${videoOnly}${videoOnly.slice(videoOnly.indexOf("m=video"))}`, "more than one video"],
    ["two audio sections", `${OFFER}${OFFER.slice(OFFER.indexOf("m=audio"))}`, "more than one audio"],
    ["a data channel", `${OFFER}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n`, "m=application"],
    ["no video", OFFER.slice(0, OFFER.indexOf("m=video")) + OFFER.slice(OFFER.indexOf("m=audio")), "no m=video"],
    ["no H.264", edit("H264/90000", "VP8/90000"), "H.264"],
    ["a sendonly video section", edit("a=recvonly\r\na=mid:0", "a=sendonly\r\na=mid:0"), "sendonly"],
    ["an inactive audio section", edit("a=recvonly\r\na=mid:1", "a=inactive\r\na=mid:1"), "inactive"],
    ["a sendonly session", without(/^a=recvonly$/).replace("t=0 0", "t=0 0\r\na=sendonly"), "sendonly"],
    ["no fingerprint", without(/^a=fingerprint/), "fingerprint"],
    ["a fingerprint without a hash", edit("a=fingerprint:sha-256 14", "a=fingerprint:sha-256"), "fingerprint"],
    ["no ice-ufrag", without(/^a=ice-ufrag/), "ice-ufrag"],
    ["no ice-pwd in the audio section", OFFER.replace(/(m=audio[\s\S]*?)a=ice-pwd:[^\r]*\r\n/, "$1"), "ice-pwd"],
    ["an RTP profile without SAVPF", edit("m=video 9 UDP/TLS/RTP/SAVPF", "m=video 9 RTP/AVP"), "SAVPF"],
    [
      "too many candidates",
      OFFER.replace("a=end-of-candidates", `${"a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n".repeat(17)}a=end-of-candidates`),
      "candidates",
    ],
    ["too many lines", `${OFFER}${"a=x\r\n".repeat(700)}`, "lines"],
  ];
  for (const [what, sdp, reason] of refused) {
    it(`refuses an offer with ${what} as a 400 naming it`, () => {
      let err: unknown;
      try {
        checkWhepOffer(sdp);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toContain(reason);
    });
  }

  it("refuses an offer over 32 KiB as a 413", () => {
    expect(() => checkWhepOffer(`${OFFER}a=${"x".repeat(MAX_OFFER_BYTES)}\r\n`)).toThrow(PayloadTooLargeError);
    expect(() => checkWhepOffer(`${OFFER}a=${"é".repeat(MAX_OFFER_BYTES / 2)}\r\n`)).toThrow(PayloadTooLargeError);
  });

  it("throws only its typed errors on random input, quickly", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pieces = OFFER.split("\r\n");
    const t0 = performance.now();
    for (let i = 0; i < 3000; i++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 80) }, () =>
        rand() < 0.7
          ? pieces[Math.floor(rand() * pieces.length)]!
          : String.fromCharCode(...Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 0x3000))),
      );
      if (rand() < 0.8) lines.unshift("v=0");
      try {
        checkWhepOffer(lines.join(rand() < 0.5 ? "\r\n" : "\n"));
      } catch (err) {
        if (!(err instanceof BadRequestError) && !(err instanceof PayloadTooLargeError)) throw err;
      }
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
