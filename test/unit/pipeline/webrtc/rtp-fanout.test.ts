import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { readRtpPacket } from "../../../../src/media/rtp/rtp-header.ts";
import { RtpFanout, type RtpFrame } from "../../../../src/pipeline/webrtc/rtp-fanout.ts";

const nalu = (type: number, size: number) => {
  const b = new Uint8Array(size).fill(0xaa);
  b[0] = 0x60 | type;
  return b;
};
const idr = (pts: number): AccessUnit => ({ nalus: [nalu(7, 20), nalu(8, 4), nalu(5, 5000)], dts: pts, pts, isKeyframe: true });
const p = (pts: number): AccessUnit => ({ nalus: [nalu(1, 900)], dts: pts, pts, isKeyframe: false });

class Sink {
  frames: RtpFrame[] = [];
  offer(f: RtpFrame) {
    this.frames.push(f);
  }
}

describe("RtpFanout", () => {
  it("packetizes each access unit once and hands the very same packets to every viewer", () => {
    const f = new RtpFanout();
    const a = new Sink();
    const b = new Sink();
    f.attach(a);
    f.attach(b);
    f.offer(idr(0));
    f.offer(p(3000));
    expect(f.frames).toBe(2);
    expect(a.frames[0]).toBe(b.frames[0]!);
    expect(a.frames[1]!.packets[0]).toBe(b.frames[1]!.packets[0]!);
  });

  it("sends SPS/PPS in one STAP-A, FU-A above the MTU, the marker on the last packet and the 90 kHz timestamp", () => {
    const f = new RtpFanout(1200);
    const s = new Sink();
    f.attach(s);
    f.offer(idr(90_000));
    const pk = s.frames[0]!.packets.map((x) => readRtpPacket(new Uint8Array(x)));
    expect(pk[0]!.payload[0]! & 0x1f).toBe(24);
    expect(pk.slice(1).every((x) => (x.payload[0]! & 0x1f) === 28)).toBe(true);
    expect(pk.map((x) => x.marker)).toEqual([...Array(pk.length - 1).fill(false), true]);
    expect(new Set(pk.map((x) => x.timestamp))).toEqual(new Set([90_000]));
    expect(pk.every((x) => x.payload.byteLength <= 1200)).toBe(true);
    expect(s.frames[0]!.bytes).toBe(s.frames[0]!.packets.reduce((n, x) => n + x.byteLength, 0));
  });

  it("gives a viewer that joins mid-GOP the cached GOP first, starting at the keyframe", () => {
    const f = new RtpFanout();
    f.offer(p(0));
    f.offer(idr(3000));
    f.offer(p(6000));
    f.offer(p(9000));
    const late = new Sink();
    f.attach(late);
    expect(late.frames.map((x) => x.rtpTimestamp)).toEqual([3000, 6000, 9000]);
    expect(late.frames[0]!.isKeyframe).toBe(true);
    f.offer(p(12000));
    expect(late.frames).toHaveLength(4);
  });

  it("keeps sequence numbers continuous across frames and stops delivering after detach", () => {
    const f = new RtpFanout();
    const s = new Sink();
    f.attach(s);
    f.offer(idr(0));
    f.offer(p(3000));
    const seqs = s.frames.flatMap((fr) => fr.packets.map((x) => readRtpPacket(new Uint8Array(x)).sequenceNumber));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) % 0x10000);
    f.detach(s);
    f.offer(p(6000));
    expect(s.frames).toHaveLength(2);
    expect(f.viewers).toBe(0);
  });
});
