/**
 * Pipeline: the fan-out of one camera. GOP cache from the latest IDR (bounded), late joiners
 * start at that IDR, SPS/PPS in front of every IDR that leaves, continuous timestamps across
 * source restarts, consumer bookkeeping.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { ConsumerQueue } from "../../../src/pipeline/consumer-queue.ts";
import { Pipeline, type Consumer } from "../../../src/pipeline/pipeline.ts";
import { nalType } from "../../../src/media/nal.ts";

// NAL units by type (low 5 bits of byte 0): 7 SPS, 8 PPS, 5 IDR, 1 non-IDR, 9 AUD.
const SPS = new Uint8Array([0x67, 0x42, 0xc0, 0x1f, 0xda, 0x01, 0x40]);
const PPS = new Uint8Array([0x68, 0xce, 0x3c, 0x80]);
const SPS2 = new Uint8Array([0x67, 0x4d, 0x40, 0x28, 0x95, 0xa0]);
const PPS2 = new Uint8Array([0x68, 0xee, 0x06, 0xf2]);
const AUD = new Uint8Array([0x09, 0xf0]);

function slice(type: 1 | 5, size: number, tag: number): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = type === 5 ? 0x65 : 0x41;
  b[1] = tag & 0xff;
  return b;
}
/** An IDR access unit without SPS/PPS (they come out of band), optionally with an AUD first. */
function idr(dts: number, opts: { aud?: boolean; size?: number; pts?: number; extra?: Uint8Array[] } = {}): AccessUnit {
  const nalus = [...(opts.aud ? [AUD] : []), ...(opts.extra ?? []), slice(5, opts.size ?? 16, dts)];
  return { nalus, dts, pts: opts.pts ?? dts, isKeyframe: true };
}
function p(dts: number, opts: { size?: number; pts?: number } = {}): AccessUnit {
  return { nalus: [slice(1, opts.size ?? 8, dts)], dts, pts: opts.pts ?? dts, isKeyframe: false };
}
const types = (au: AccessUnit) => au.nalus.map(nalType);
const bytes = (au: AccessUnit) => au.nalus.reduce((n, x) => n + x.byteLength, 0);

class Sink implements Consumer {
  readonly got: AccessUnit[] = [];
  constructor(readonly kind: string) {}
  offer(au: AccessUnit): void {
    this.got.push(au);
  }
}

describe("Pipeline GOP cache", () => {
  it("holds the latest IDR and what followed it, and starts over at each IDR", () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    [idr(0), p(3000), p(6000), idr(9000), p(12000)].forEach((a) => pl.push(a));
    expect(pl.cachedGop.map((a) => a.dts)).toEqual([9000, 12000]);
    expect(pl.cachedGop[0]!.isKeyframe).toBe(true);
  });

  it("caches nothing before the first IDR", () => {
    const pl = new Pipeline();
    pl.push(p(0));
    pl.push(p(3000));
    expect(pl.cachedGop).toHaveLength(0);
  });

  it("never holds more than maxGopUnits, nor a GOP that does not start at an IDR", () => {
    const pl = new Pipeline({ maxGopUnits: 4 });
    pl.setParameterSets([SPS], [PPS]);
    for (let i = 0; i < 40; i++) {
      pl.push(i % 10 === 0 ? idr(i * 3000) : p(i * 3000));
      expect(pl.cachedGop.length).toBeLessThanOrEqual(4);
      if (pl.cachedGop.length > 0) expect(pl.cachedGop[0]!.isKeyframe).toBe(true);
    }
    pl.push(idr(40 * 3000));
    expect(pl.cachedGop.map((a) => a.dts)).toEqual([40 * 3000]);
  });

  it("never holds more than maxGopBytes, nor a GOP that does not start at an IDR", () => {
    const pl = new Pipeline({ maxGopBytes: 100 });
    pl.setParameterSets([SPS], [PPS]);
    for (let i = 0; i < 40; i++) {
      pl.push(i % 10 === 0 ? idr(i * 3000, { size: 30 }) : p(i * 3000, { size: 25 }));
      expect(pl.cachedGop.reduce((n, a) => n + bytes(a), 0)).toBeLessThanOrEqual(100);
      if (pl.cachedGop.length > 0) expect(pl.cachedGop[0]!.isKeyframe).toBe(true);
    }
  });
});

describe("Pipeline consumers", () => {
  it("gives a consumer attached mid-GOP the cached GOP from the IDR on, then the live units, each once and in order", () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    [p(0), idr(3000), p(6000), p(9000)].forEach((a) => pl.push(a));
    const late = new Sink("webrtc");
    pl.attach(late);
    [p(12000), idr(15000), p(18000)].forEach((a) => pl.push(a));
    expect(late.got.map((a) => a.dts)).toEqual([3000, 6000, 9000, 12000, 15000, 18000]);
    expect(late.got[0]!.isKeyframe).toBe(true);
    expect(types(late.got[0]!)).toEqual([7, 8, 5]);
  });

  it("lets a bounded consumer queue attached mid-GOP start at once from the cached IDR instead of the next one", async () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    [idr(0), p(3000), p(6000)].forEach((a) => pl.push(a));
    const q = new ConsumerQueue();
    pl.attach({ kind: "snapshot", offer: (a) => q.offer(a) });
    expect(q.length).toBe(3);
    const first = (await q.next())!;
    expect(first.isKeyframe).toBe(true);
    expect(first.dts).toBe(0);
  });

  it("stops delivering to a detached consumer while the others keep receiving", () => {
    const pl = new Pipeline();
    const a = new Sink("hls");
    const b = new Sink("webrtc");
    pl.attach(a);
    pl.attach(b);
    pl.push(idr(0));
    pl.detach(a);
    pl.push(p(3000));
    pl.push(p(6000));
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(3);
  });

  it("counts the attached consumers by kind", () => {
    const pl = new Pipeline();
    expect(pl.consumerCounts()).toEqual({});
    const sinks = [new Sink("hls"), new Sink("hls"), new Sink("webrtc"), new Sink("snapshot"), new Sink("record")];
    sinks.forEach((s) => pl.attach(s));
    expect(pl.consumerCounts()).toEqual({ hls: 2, webrtc: 1, snapshot: 1, record: 1 });
    pl.detach(sinks[1]!);
    pl.detach(sinks[3]!);
    expect(pl.consumerCounts()).toEqual({ hls: 1, webrtc: 1, record: 1 });
    sinks.forEach((s) => pl.detach(s));
    expect(pl.consumerCounts()).toEqual({});
  });

  it("counts every access unit received from the source", () => {
    const pl = new Pipeline();
    [p(0), idr(3000), p(6000)].forEach((a) => pl.push(a));
    expect(pl.received).toBe(3);
  });
});

describe("Pipeline parameter sets", () => {
  it("puts out-of-band SPS and PPS in front of every IDR that leaves it, after an AUD, and leaves other units alone", () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    const sink = new Sink("record");
    pl.attach(sink);
    [idr(0, { aud: true }), p(3000), idr(6000), p(9000)].forEach((a) => pl.push(a));
    expect(sink.got.map(types)).toEqual([[9, 7, 8, 5], [1], [7, 8, 5], [1]]);
    for (const k of [sink.got[0]!, sink.got[2]!]) {
      const at = types(k).indexOf(7);
      expect(k.nalus[at]).toEqual(SPS);
      expect(k.nalus[at + 1]).toEqual(PPS);
    }
  });

  it("puts SPS and PPS in front of the cached IDR a late consumer starts from", () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    [idr(0), p(3000)].forEach((a) => pl.push(a));
    const late = new Sink("webrtc");
    pl.attach(late);
    expect(types(late.got[0]!)).toEqual([7, 8, 5]);
    expect(types(pl.cachedGop[0]!)).toEqual([7, 8, 5]);
  });

  it("uses the parameter sets a stream carries in-band from then on, without duplicating them", () => {
    const pl = new Pipeline();
    pl.setParameterSets([SPS], [PPS]);
    const sink = new Sink("hls");
    pl.attach(sink);
    pl.push(idr(0, { extra: [SPS2, PPS2] })); // the camera changed resolution
    pl.push(idr(3000));
    for (const k of sink.got) {
      expect(types(k)).toEqual([7, 8, 5]);
      expect(k.nalus[0]).toEqual(SPS2);
      expect(k.nalus[1]).toEqual(PPS2);
    }
    expect(pl.sps).toEqual([SPS2]);
    expect(pl.pps).toEqual([PPS2]);
  });
});

describe("Pipeline timestamps", () => {
  it("starts the first session at dts 0 and keeps pts - dts", () => {
    const pl = new Pipeline();
    const sink = new Sink("hls");
    pl.attach(sink);
    pl.push(idr(900000, { pts: 903600 }));
    pl.push(p(903600, { pts: 907200 }));
    expect(sink.got.map((a) => [a.dts, a.pts])).toEqual([
      [0, 3600],
      [3600, 7200],
    ]);
  });

  it("continues timestamps across a source restart: the first unit after it is the last dts plus the last frame step", () => {
    const pl = new Pipeline();
    const sink = new Sink("hls");
    pl.attach(sink);
    // 25 fps: a step of 3600 ticks, with pts 1 frame after dts
    for (let i = 0; i < 5; i++) pl.push(i === 0 ? idr(50000 + i * 3600, { pts: 53600 }) : p(50000 + i * 3600, { pts: 53600 + i * 3600 }));
    const last = sink.got.at(-1)!.dts;
    expect(last).toBe(4 * 3600);
    // the camera reconnects and its clock starts over near zero
    pl.sourceRestarted();
    pl.push(idr(120, { pts: 3720 }));
    pl.push(p(3720, { pts: 7320 }));
    expect(sink.got[5]!.dts).toBe(last + 3600);
    expect(sink.got[5]!.pts - sink.got[5]!.dts).toBe(3600);
    expect(sink.got[6]!.dts).toBe(last + 2 * 3600);
    // and again, this time with a clock far ahead
    const last2 = sink.got.at(-1)!.dts;
    pl.sourceRestarted();
    pl.push(idr(8_000_000_000));
    expect(sink.got[7]!.dts).toBe(last2 + 3600);
    const dts = sink.got.map((a) => a.dts);
    for (let k = 1; k < dts.length; k++) expect(dts[k]!).toBeGreaterThan(dts[k - 1]!);
  });

  it("uses a 1/30 s step when the source restarts before any frame step is known", () => {
    const pl = new Pipeline();
    const sink = new Sink("hls");
    pl.attach(sink);
    pl.push(idr(777));
    pl.sourceRestarted();
    pl.push(idr(5));
    expect(sink.got.map((a) => a.dts)).toEqual([0, 3000]);
  });

  it("gives the cached GOP the same continued timestamps that live consumers got", () => {
    const pl = new Pipeline();
    const live = new Sink("hls");
    pl.attach(live);
    [idr(10), p(3010)].forEach((a) => pl.push(a));
    pl.sourceRestarted();
    [idr(99), p(3099)].forEach((a) => pl.push(a));
    const late = new Sink("webrtc");
    pl.attach(late);
    expect(late.got.map((a) => a.dts)).toEqual([6000, 9000]);
    expect(live.got.slice(2).map((a) => a.dts)).toEqual([6000, 9000]);
  });
});
