import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { InvalidFieldError, TooLargeError, TruncatedError } from "../../../../src/media/errors.ts";
import { H264Depacketizer } from "../../../../src/media/rtp/h264-depacketizer.ts";
import { H264Packetizer } from "../../../../src/media/rtp/h264-packetizer.ts";
import { rewriteRtpHeader } from "../../../../src/media/rtp/rtp-header.ts";
import { hex } from "../fixtures.ts";
import { clip320Keyframe, fixtureStreams, roundTrip, sentNalus } from "./rtp-fixtures.ts";

const feed = (d: H264Depacketizer, packets: Uint8Array[]) => packets.map((p) => d.push(p)).filter((a) => a !== undefined);
const pkt = (seq: number, payload: string, marker = true, ts = 3000) =>
  hex(`80${marker ? "e0" : "60"}${seq.toString(16).padStart(4, "0")}${ts.toString(16).padStart(8, "0")}00000001${payload}`);

describe("H264Depacketizer round trips", () => {
  for (const { file, aus } of fixtureStreams()) {
    for (const mtu of [100, 1200]) {
      it(`gives back every access unit of ${file} with identical NAL units at MTU ${mtu}`, () => {
        const { out, depacketizer } = roundTrip(aus, { mtu, initialSequenceNumber: 65500 });
        expect(out.length).toBe(aus.length);
        expect(depacketizer.dropped).toBe(0);
        out.forEach((got, i) => {
          expect(got.nalus).toEqual(sentNalus(aus[i]!));
          expect(got.isKeyframe).toBe(aus[i]!.isKeyframe);
          expect(got.pts).toBe(aus[i]!.pts % 2 ** 32);
        });
      });
    }
  }

  it("keeps sequence and timestamp across their wraps", () => {
    const aus = fixtureStreams()[0]!.aus.map((a, i) => ({ ...a, pts: 2 ** 32 - 6000 + i * 3000 }));
    const { out } = roundTrip(aus, { initialSequenceNumber: 65534, mtu: 200 });
    expect(out.map((a) => a.pts)).toEqual(aus.map((a) => a.pts % 2 ** 32));
  });
});

describe("H264Depacketizer loss", () => {
  const aus = fixtureStreams()[0]!.aus; // keyframes at 0 and 5
  const packetizer = new H264Packetizer({ mtu: 300 });
  const all = aus.map((a) => packetizer.packetize(a));

  it("drops the access unit with a lost packet and every one up to the next keyframe", () => {
    const d = new H264Depacketizer();
    const lossy = all.map((ps, i) => (i === 2 ? ps.filter((_, k) => k !== 1) : ps)).flat();
    const out = feed(d, lossy);
    expect(out.map((a) => a.pts)).toEqual([0, 2970, ...aus.slice(5).map((a) => a.pts)]);
    expect(d.dropped).toBe(3); // AU 2 broken, AUs 3 and 4 waiting for the keyframe
  });

  it("drops an access unit whose first packet, or whose marker packet, was lost", () => {
    for (const lose of [0, -1]) {
      const d = new H264Depacketizer();
      const lossy = all.map((ps, i) => (i === 5 ? ps.filter((_, k) => k !== (lose < 0 ? ps.length - 1 : lose)) : ps)).flat();
      expect(feed(d, lossy).map((a) => a.pts)).toEqual(aus.slice(0, 5).map((a) => a.pts));
    }
  });

  it("treats a duplicated packet as a gap", () => {
    const d = new H264Depacketizer();
    const dup = all.map((ps, i) => (i === 1 ? [ps[0]!, ...ps] : ps)).flat();
    expect(feed(d, dup).map((a) => a.pts)).toEqual([0, ...aus.slice(5).map((a) => a.pts)]);
  });

  it("emits nothing before the first keyframe of a stream joined in the middle", () => {
    const d = new H264Depacketizer();
    expect(feed(d, all.slice(3).flat()).map((a) => a.pts)).toEqual(aus.slice(5).map((a) => a.pts));
    expect(d.dropped).toBe(2);
  });

  it("drops an access unit whose marker bit never came when the timestamp changes", () => {
    const d = new H264Depacketizer();
    const noMarker = all.map((ps, i) => (i === 5 ? ps.map((p, k) => (k === ps.length - 1 ? Uint8Array.from(p, (b, j) => (j === 1 ? b & 0x7f : b)) : p)) : ps));
    expect(feed(d, noMarker.flat()).map((a) => a.pts)).toEqual(aus.slice(0, 5).map((a) => a.pts));
  });

  it("bounds the access unit it assembles", () => {
    const d = new H264Depacketizer({ maxAccessUnitBytes: 3000 });
    expect(() => feed(d, new H264Packetizer().packetize(clip320Keyframe()))).toThrow(TooLargeError);
    expect(() => new H264Depacketizer({ maxAccessUnitBytes: 0 })).toThrow(InvalidFieldError);
  });
});

describe("H264Depacketizer malformed packets", () => {
  const CASES: { name: string; packets: Uint8Array[]; error: typeof TruncatedError | typeof InvalidFieldError }[] = [
    { name: "an empty payload", packets: [pkt(1, "")], error: TruncatedError },
    { name: "a STAP-A without aggregation unit", packets: [pkt(1, "78")], error: TruncatedError },
    { name: "a STAP-A whose second NALU size is cut to one byte", packets: [pkt(1, "78 0002 6701 00")], error: TruncatedError },
    { name: "a STAP-A whose NALU size runs past the end", packets: [pkt(1, "78 0005 6742")], error: TruncatedError },
    { name: "a STAP-A with a NALU size of 0", packets: [pkt(1, "78 0000 0002 6742")], error: TruncatedError },
    { name: "a STAP-A nesting an FU-A", packets: [pkt(1, "78 0003 7c8500")], error: InvalidFieldError },
    { name: "an FU-A without start", packets: [pkt(1, "7c05 aabb")], error: InvalidFieldError },
    { name: "an FU-A end without start", packets: [pkt(1, "7c45 aabb")], error: InvalidFieldError },
    { name: "an FU-A with S and E both set", packets: [pkt(1, "7cc5 aabb")], error: InvalidFieldError },
    { name: "an FU-A without fragment bytes", packets: [pkt(1, "7c85")], error: TruncatedError },
    { name: "an FU-A of NAL type 0", packets: [pkt(1, "7c80 aa")], error: InvalidFieldError },
    { name: "a second FU-A start before the end", packets: [pkt(1, "7c85 aa", false), pkt(2, "7c85 bb")], error: InvalidFieldError },
    { name: "an FU-A changing type mid-NAL", packets: [pkt(1, "7c85 aa", false), pkt(2, "7c41 bb")], error: InvalidFieldError },
    { name: "a single NAL unit inside an open FU-A", packets: [pkt(1, "7c85 aa", false), pkt(2, "4188")], error: InvalidFieldError },
    { name: "a marker bit on an FU-A without E", packets: [pkt(1, "7c85 aa")], error: InvalidFieldError },
    ...[0, 25, 26, 27, 29, 30, 31].map((t) => ({
      name: `payload type ${t} (not in packetization-mode 1)`,
      packets: [pkt(1, `${(0x60 | t).toString(16)}00`)],
      error: InvalidFieldError,
    })),
    { name: "an RTP version of 1", packets: [hex("40e00001 00000bb8 00000001 6588")], error: InvalidFieldError },
  ];
  for (const c of CASES) {
    it(`rejects ${c.name} with ${c.error.name}`, () => {
      const d = new H264Depacketizer();
      expect(() => feed(d, c.packets)).toThrow(c.error);
    });
  }

  it("recovers at the next keyframe after a malformed packet", () => {
    const d = new H264Depacketizer();
    expect(() => d.push(pkt(1, "7c05 aabb", false))).toThrow(InvalidFieldError);
    expect(feed(d, [pkt(2, "7c45 ccdd"), pkt(3, "4188", true, 6000)])).toEqual([]); // rest of the broken AU, then a P frame
    const key: AccessUnit[] = feed(d, [pkt(4, "6742", false, 9000), pkt(5, "6588", true, 9000)]);
    expect(key).toEqual([{ nalus: [hex("6742"), hex("6588")], dts: 9000, pts: 9000, isKeyframe: true }]);
  });

  it("reads the payload after CSRCs and padding, and ignores the payload type", () => {
    const d = new H264Depacketizer();
    const p = rewriteRtpHeader(hex("a1e00001 00000bb8 00000001 0000000a 6588 0002"), { payloadType: 102 });
    expect(d.push(p)).toEqual({ nalus: [hex("6588")], dts: 3000, pts: 3000, isKeyframe: true });
  });
});
