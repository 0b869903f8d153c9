import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { InvalidFieldError, TooLargeError } from "../../../../src/media/errors.ts";
import { H264AccessUnitAssembler, type H264AssemblerOptions } from "../../../../src/media/rtp/h264-au-assembler.ts";
import { H264Packetizer, type H264PacketizerOptions } from "../../../../src/media/rtp/h264-packetizer.ts";
import { rewriteRtpHeader } from "../../../../src/media/rtp/rtp-header.ts";
import { RtpTimeline } from "../../../../src/media/rtp/rtp-timeline.ts";
import { demuxWhole, fixture, hex } from "../fixtures.ts";
import { fixtureStreams, sentNalus } from "./rtp-fixtures.ts";
import { toAnnexB } from "../../../../src/media/annexb.ts";
import { NalPieces, nalBytes } from "../../../../src/media/nal-unit.ts";
import { nalType } from "../../../../src/media/nal.ts";

/** clip320-from-h264.flv: 10 access units, keyframes at 0 and 5, SPS/PPS in-band (../fixtures/README.md). */
const stream = fixtureStreams()[0]!.aus;
/** The same pictures without in-band SPS/PPS, the sets known only out of band (as an Axis camera's SDP). */
const bare = demuxWhole(fixture("clip320-from-mp4.flv"));

function packets(aus: readonly AccessUnit[], o: H264PacketizerOptions = {}): Uint8Array[][] {
  const p = new H264Packetizer({ mtu: 300, ...o });
  return aus.map((au) => p.packetize(au));
}

function run(ps: readonly Uint8Array[], o: H264AssemblerOptions = {}) {
  const a = new H264AccessUnitAssembler(o);
  const units: AccessUnit[] = [];
  const sets: number[] = [];
  const errors: string[] = [];
  ps.forEach((p, i) => {
    const out = a.push(p);
    units.push(...out.units);
    if (out.parameterSets) sets.push(i);
    if (out.error) errors.push(out.error.name);
  });
  return { a, units, sets, errors };
}

const clearMarker = (p: Uint8Array) => Uint8Array.from(p, (b, j) => (j === 1 ? b & 0x7f : b));

describe("H264AccessUnitAssembler", () => {
  it("gives back every access unit of a stream with SPS/PPS in-band, NAL units identical, and reports the sets", () => {
    const { units, sets, errors, a } = run(packets(stream).flat());
    expect(errors).toEqual([]);
    expect(units.length).toBe(stream.length);
    units.forEach((u, i) => expect(u.nalus).toEqual(sentNalus(stream[i]!)));
    expect(units.map((u) => u.isKeyframe)).toEqual(stream.map((u) => u.isKeyframe));
    expect(units.map((u) => u.dts)).toEqual(stream.map((u) => u.pts - stream[0]!.pts));
    expect(sets.length).toBe(1); // the first IDR's in-band sets; the second IDR repeats the same
    expect(a.parameterSets.sps[0]![0]! & 0x1f).toBe(7);
  });

  it("emits the first IDR of a camera that sends SPS/PPS only in the SDP (Axis, janus-gateway issue 849)", () => {
    const ps = packets(bare.aus).flat();
    expect(run(ps).units.length).toBe(0); // nothing known: every IDR waits
    const { units } = run(ps, { sps: bare.demuxer.sps, pps: bare.demuxer.pps });
    expect(units.length).toBe(bare.aus.length);
    expect(units[0]!.isKeyframe).toBe(true);
  });

  it("learns SPS/PPS sent as an access unit of their own before the IDR", () => {
    const sets: AccessUnit = { nalus: [...bare.demuxer.sps, ...bare.demuxer.pps], dts: 0, pts: 0, isKeyframe: false };
    const aus = [sets, ...bare.aus.map((au) => ({ ...au, dts: au.dts + 1, pts: au.pts + 1 }))];
    const { units, sets: reported } = run(packets(aus).flat());
    expect(units.length).toBe(bare.aus.length);
    expect(reported).toEqual([0]);
  });

  it("ends access units at a timestamp change for cameras that never set the marker bit (FLIR M400, gortsplib)", () => {
    const ps = packets(stream).flat().map(clearMarker);
    const { units } = run(ps);
    expect(units.length).toBe(stream.length - 1); // the last one waits for the next timestamp
    units.forEach((u, i) => expect(u.nalus).toEqual(sentNalus(stream[i]!)));
  });

  it("drops the access unit with a sequence gap and emits nothing until the next IDR", () => {
    const all = packets(stream);
    const lossy = all.map((ps, i) => (i === 2 ? ps.filter((_, k) => k !== 1) : ps)).flat();
    const { units, a } = run(lossy);
    expect(units.map((u) => u.isKeyframe)).toEqual([true, false, true, false, false, false, false]);
    expect(a.gaps).toBe(1);
    expect(a.dropped).toBe(3); // AU 2 broken, AUs 3 and 4 waiting for the IDR
  });

  it("counts a duplicated packet as a gap", () => {
    const all = packets(stream);
    const { a } = run(all.map((ps, i) => (i === 1 ? [ps[0]!, ...ps] : ps)).flat());
    expect(a.gaps).toBe(1);
  });

  it("continues the 90 kHz time line across the 32-bit RTP timestamp wrap", () => {
    const ps = packets(stream, { timestampOffset: 2 ** 32 - 6000 }).flat();
    const { units } = run(ps);
    expect(units.map((u) => u.dts)).toEqual(stream.map((u) => u.pts - stream[0]!.pts));
    expect(units.every((u) => u.dts === u.pts)).toBe(true);
  });

  it("rescales a clock rate other than 90 kHz", () => {
    const t = new RtpTimeline(1000);
    expect([t.toTicks(4_294_967_000), t.toTicks(4_294_967_033), t.toTicks(70)]).toEqual([0, 2970, 32_940]); // 2^32 - 4294967000 + 70 = 366 ms
  });

  it("keeps dts increasing when a timestamp steps back, and smooths over a clock restart", () => {
    const ts = [0, 3000, 6000, 3000, 9000, 9_000_000, 9_003_000];
    const aus = ts.map((pts, i) => ({ ...stream[i === 0 ? 0 : 1]!, dts: pts, pts, isKeyframe: i === 0 }));
    const { units, a } = run(packets(aus).flat());
    expect(units.map((u) => u.dts)).toEqual([0, 3000, 6000, 6001, 9000, 11999, 14999]); // the restart continues at the last step
    expect(a.jumps).toBe(1);
  });

  it("reassembles FU-A fragments and splits STAP-A, in packetization-mode 1", () => {
    const big = packets(stream, { mtu: 100 }).flat();
    expect(big.length).toBeGreaterThan(80);
    expect(run(big).units.length).toBe(stream.length);
  });

  it("hands FU-A slices on as pieces of the packets with joinFragments: false, the same bytes as joined", () => {
    const big = packets(stream, { mtu: 100 }).flat();
    const joined = run(big).units;
    const { units, errors } = run(big, { joinFragments: false });
    expect(errors).toEqual([]);
    expect(units.length).toBe(joined.length);
    let pieced = 0;
    units.forEach((u, i) => {
      expect(u.nalus.map(nalBytes)).toEqual(joined[i]!.nalus.map(nalBytes));
      expect(u.nalus.map((n) => n.byteLength)).toEqual(joined[i]!.nalus.map((n) => n.byteLength));
      for (const n of u.nalus) {
        if (n instanceof NalPieces) {
          pieced++;
          expect([1, 5]).toContain(nalType(n)); // slices only: parameter sets are joined
          expect(n.pieces.length).toBeGreaterThan(1);
          for (const p of n.pieces.slice(1)) expect(big.some((pk) => pk.buffer === p.buffer)).toBe(true); // views, not copies
        }
      }
    });
    expect(pieced).toBeGreaterThan(0);
    expect(toAnnexB(units[0]!.nalus)).toEqual(toAnnexB(joined[0]!.nalus));
  });

  it("joins a slice in pieces that carries a start code, across a piece boundary too, and splits it", () => {
    // An IDR whose FU-A fragments hide "00 00 01" split over two packets: a vendor's Annex B inside RTP.
    const [sps, pps] = [bare.demuxer.sps[0]!, bare.demuxer.pps[0]!];
    const setsPacket = new Uint8Array([...hex("80600001000000000000000a"), 24, 0, sps.length, ...sps, 0, pps.length, ...pps]);
    const fu = (seq: number, fuHeader: number, body: number[], marker: boolean) =>
      new Uint8Array([0x80, (marker ? 0x80 : 0) | 96, 0, seq, 0, 0, 0, 0, 0, 0, 0, 10, 0x7c, fuHeader, ...body]);
    const ps = [setsPacket, fu(2, 0x85, [0x88, 0x84, 0x21, 0, 0], false), fu(3, 0x05, [1, 0x65, 0x88, 0x80], false), fu(4, 0x45, [0x10, 0x20], true)];
    const [joined] = run(ps).units;
    const [pieced] = run(ps, { joinFragments: false }).units;
    expect(joined!.nalus.map(nalType)).toEqual([7, 8, 5, 5]);
    expect(pieced!.nalus.map(nalBytes)).toEqual(joined!.nalus.map(nalBytes));
    expect(pieced!.nalus.every((n) => n instanceof Uint8Array)).toBe(true);
  });

  it("takes a single FU-A with both S and E set as a whole NAL unit (CostarHD, gortsplib)", () => {
    const key = sentNalus(stream[0]!);
    const idr = key.find((n) => (n[0]! & 0x1f) === 5)!;
    const rest = key.filter((n) => n !== idr);
    const p = new H264Packetizer({ mtu: 1500 });
    const first = p.packetize({ nalus: rest, dts: 0, pts: 0, isKeyframe: false }).map(clearMarker);
    const fu = new Uint8Array(12 + 2 + idr.length - 1);
    fu.set(p.packetize({ nalus: [Uint8Array.of(1, 0)], dts: 0, pts: 0, isKeyframe: false })[0]!.subarray(0, 12));
    fu[1] = 0x80 | 96;
    fu[12] = (idr[0]! & 0xe0) | 28;
    fu[13] = 0xc0 | 5;
    fu.set(idr.subarray(1), 14);
    const { units } = run([...first, fu]);
    expect(units.length).toBe(1);
    expect(units[0]!.nalus).toEqual(key);
  });

  it("splits NAL units that carry Annex B start codes inside and ignores STAP-A zero padding", () => {
    const [sps, pps] = [bare.demuxer.sps[0]!, bare.demuxer.pps[0]!];
    const idr = sentNalus(bare.aus[0]!)
      .find((n) => (n[0]! & 0x1f) === 5)!
      .subarray(0, 200);
    const annexB = Uint8Array.from([0, 0, 0, 1, ...sps, 0, 0, 1, ...pps, 0, 0, 0, 1, ...idr]);
    const hdr = hex("80e0000100000000000000 01".replace(/ /g, ""));
    const single = new Uint8Array([...hdr, ...annexB]);
    const u = run([single]).units;
    expect(u[0]!.nalus.map(nalType)).toEqual([7, 8, 5]);
    const stap = new Uint8Array([...hex("80e000020000000000000001"), 24, 0, sps.length, ...sps, 0, pps.length, ...pps, 0, 0, 0]);
    const stapIdr = new Uint8Array([...hex("80e000030000000000000001"), ...idr]);
    stap[1] = 0x60; // no marker: same timestamp as the IDR that follows
    expect(run([stap, stapIdr]).units[0]!.nalus.map(nalType)).toEqual([7, 8, 5]);
  });

  it("reports a payload type other than the SDP's and a malformed packet, then recovers at the next IDR", () => {
    const all = packets(stream);
    all[1]![0] = rewriteRtpHeader(all[1]![0]!, { payloadType: 97 });
    all[3]![0] = Uint8Array.from(all[3]![0]!.subarray(0, 12)); // a header and no payload
    const { units, errors } = run(all.flat(), { payloadType: 96 });
    expect(errors).toEqual(["InvalidFieldError", "TruncatedError"]);
    expect(units.map((u) => u.isKeyframe)).toEqual([true, true, false, false, false, false]);
    expect(units.at(-1)!.nalus).toEqual(sentNalus(stream.at(-1)!));
  });

  it("bounds the access unit it assembles", () => {
    const { errors } = run(packets(stream.slice(0, 1)).flat(), { maxAccessUnitBytes: 1000 });
    expect(errors).toContain("TooLargeError");
    expect(() => new H264AccessUnitAssembler({ maxNalUnits: 0 })).toThrow(InvalidFieldError);
    expect(TooLargeError.name).toBe("TooLargeError");
  });
});
