/**
 * Shared helpers of the RTP tests: the access units of the real FLV fixtures (see
 * ../fixtures/README.md), a packetize -> depacketize round trip, and byte helpers.
 */
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { withParameterSets } from "../../../../src/media/parameter-sets.ts";
import { H264Depacketizer } from "../../../../src/media/rtp/h264-depacketizer.ts";
import { H264Packetizer, type H264PacketizerOptions } from "../../../../src/media/rtp/h264-packetizer.ts";
import { FLV_FIXTURES, demuxWhole, fixture } from "../fixtures.ts";
import { nalBytes } from "../../../../src/media/nal-unit.ts";

/**
 * Every FLV fixture's access units as a pipeline hands them to the packetizer: each keyframe
 * with the SPS and PPS of the AVC sequence header in front (withParameterSets).
 */
export function fixtureStreams(): { file: string; aus: AccessUnit[] }[] {
  return FLV_FIXTURES.map(({ file }) => {
    const { aus, demuxer } = demuxWhole(fixture(file));
    return { file, aus: aus.map((au) => withParameterSets(au, demuxer.sps, demuxer.pps)) };
  });
}

/** The first access unit of clip320-from-h264.flv: SPS 22 B, PPS 5 B, SEI 593 B, IDR 3079 B. */
export function clip320Keyframe(): AccessUnit {
  return demuxWhole(fixture("clip320-from-h264.flv")).aus[0]!;
}

/** Packetizes `aus` with one packetizer and feeds every packet to one depacketizer. */
export function roundTrip(aus: readonly AccessUnit[], options: H264PacketizerOptions = {}) {
  const packetizer = new H264Packetizer(options);
  const depacketizer = new H264Depacketizer();
  const packets: Uint8Array[][] = [];
  const out: AccessUnit[] = [];
  for (const au of aus) {
    const ps = packetizer.packetize(au);
    packets.push(ps);
    for (const p of ps) {
      const got = depacketizer.push(p);
      if (got) out.push(got);
    }
  }
  return { packets, out, depacketizer };
}

/** The NAL units a receiver must get back for `au`: all but empty ones and AUDs (type 9). */
export function sentNalus(au: AccessUnit): Uint8Array[] {
  return au.nalus.map(nalBytes).filter((n) => n.length > 0 && (n[0]! & 0x1f) !== 9);
}

export { onlyMediaErrors } from "../fixtures.ts";

/** Fields of the fixed header of a packet, read by hand (independently of rtp-header.ts). */
export function headerOf(p: Uint8Array) {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { marker: (p[1]! & 0x80) !== 0, payloadType: p[1]! & 0x7f, seq: v.getUint16(2), ts: v.getUint32(4), ssrc: v.getUint32(8) };
}
