import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { InvalidFieldError } from "../../../../src/media/errors.ts";
import { H264Packetizer, type H264PacketizerOptions } from "../../../../src/media/rtp/h264-packetizer.ts";
import { hex, toHex } from "../fixtures.ts";
import { clip320Keyframe, fixtureStreams, headerOf } from "./rtp-fixtures.ts";

// Real bytes: the first access unit of clip320-from-h264.flv (../fixtures/README.md), NAL units
// SPS 22 B, PPS 5 B, SEI 593 B, IDR 3079 B; SPS and PPS are also those of clip320.h264.
const KEY = clip320Keyframe();
const [SPS, PPS, SEI, IDR] = KEY.nalus as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const AUD = hex("0910");
const au = (nalus: Uint8Array[], pts = 3000): AccessUnit => ({ nalus, dts: pts, pts, isKeyframe: true });
const OPTS: H264PacketizerOptions = { ssrc: 0x11223344, initialSequenceNumber: 1000 };

describe("H264Packetizer packet layouts", () => {
  const packets = new H264Packetizer(OPTS).packetize({ ...KEY, dts: 3000, pts: 3000 });

  it("sends clip320's keyframe as STAP-A(SPS, PPS), SEI, then three FU-As of the IDR at MTU 1200", () => {
    expect(packets.map((p) => p.length - 12)).toEqual([1 + 2 + 22 + 2 + 5, 593, 1200, 1200, 684]);
  });

  it("aggregates SPS and PPS into one STAP-A with F=0, NRI=3, type 24 and 16-bit sizes (RFC 6184 §5.7.1)", () => {
    expect(toHex(packets[0]!)).toBe(`806003e800000bb811223344 78 0016${toHex(SPS)} 0005${toHex(PPS)}`.replace(/ /g, ""));
    expect(toHex(SPS)).toBe("6742c00dda0507ec0440000003004000000f03c50aa8");
    expect(toHex(PPS)).toBe("68ce039c80");
  });

  it("sends the SEI as a single NAL unit packet, its payload the NAL unit itself (§5.6)", () => {
    expect(toHex(packets[1]!.subarray(12))).toBe(toHex(SEI));
  });

  it("fragments the IDR into FU-A with indicator 0x7c and headers S|5, 5, E|5 (§5.8)", () => {
    const fus = packets.slice(2);
    expect(fus.map((p) => toHex(p.subarray(12, 14)))).toEqual(["7c85", "7c05", "7c45"]);
    expect(toHex(fus[0]!.subarray(14, 20))).toBe("88843a0c6000"); // the IDR after its header byte 0x65
    expect(toHex(Uint8Array.from([0x65, ...fus.flatMap((p) => [...p.subarray(14)])]))).toBe(toHex(IDR));
  });

  it("sets the marker bit on the last packet only, one timestamp, consecutive sequence numbers", () => {
    expect(packets.map((p) => headerOf(p))).toEqual(
      [1000, 1001, 1002, 1003, 1004].map((seq, i) => ({ marker: i === 4, payloadType: 96, seq, ts: 3000, ssrc: 0x11223344 })),
    );
  });

  it("keeps F and NRI of the NAL units: STAP-A takes their OR and maximum, FU-A copies them", () => {
    const low = Uint8Array.of(0x27, 1, 2); // SPS with NRI 1
    const forbidden = Uint8Array.of(0xc8, 3); // PPS with F=1, NRI 2
    const [stap] = new H264Packetizer().packetize(au([low, forbidden]));
    expect(toHex(stap!.subarray(12))).toBe("d8" + "0003270102" + "0002c803");
    const big = new H264Packetizer({ mtu: 100 }).packetize(au([Uint8Array.of(0xa1, ...new Uint8Array(150))]));
    expect(big.map((p) => toHex(p.subarray(12, 14)))).toEqual(["bc81", "bc41"]);
  });
});

describe("H264Packetizer choices", () => {
  const kinds = (ps: Uint8Array[]) => ps.map((p) => ({ 24: "STAP-A", 28: `FU-A ${p[13]! >> 6}` })[p[12]! & 0x1f] ?? `NAL ${p[12]! & 0x1f}`);
  const CASES: { name: string; nalus: Uint8Array[]; mtu?: number; want: string[] }[] = [
    { name: "drops an access unit delimiter", nalus: [AUD, SPS, PPS, IDR], mtu: 4000, want: ["STAP-A", "NAL 5"] },
    { name: "sends a lone SPS as a single NAL unit", nalus: [SPS, SEI], want: ["NAL 7", "NAL 6"] },
    { name: "falls back to single NAL units when SPS and PPS do not fit one STAP-A", nalus: [SPS, PPS], mtu: 31, want: ["NAL 7", "NAL 8"] },
    { name: "fits SPS and PPS exactly into a STAP-A of mtu bytes", nalus: [SPS, PPS], mtu: 32, want: ["STAP-A"] },
    { name: "sends a NAL unit of exactly mtu bytes whole", nalus: [SEI], mtu: 593, want: ["NAL 6"] },
    { name: "splits a NAL unit of mtu + 1 bytes into two FU-As", nalus: [SEI], mtu: 592, want: ["FU-A 2", "FU-A 1"] },
    { name: "fragments an SPS larger than the MTU", nalus: [SPS, PPS], mtu: 12, want: ["FU-A 2", "FU-A 0", "FU-A 1", "NAL 8"] },
    { name: "skips empty NAL units", nalus: [new Uint8Array(0), PPS, new Uint8Array(0)], want: ["NAL 8"] },
  ];
  for (const c of CASES) {
    it(`${c.name}: ${c.want.join(", ")}`, () => {
      const ps = new H264Packetizer({ mtu: c.mtu }).packetize(au(c.nalus));
      expect(kinds(ps)).toEqual(c.want);
      expect(ps.every((p) => p.length - 12 <= (c.mtu ?? 1200))).toBe(true);
    });
  }

  it("returns no packets and uses no sequence number for an access unit of only an AUD", () => {
    const p = new H264Packetizer({ initialSequenceNumber: 7 });
    expect(p.packetize(au([AUD, new Uint8Array(0)]))).toEqual([]);
    expect(p.nextSequenceNumber).toBe(7);
  });

  it("keeps every payload within the MTU for every access unit of every FLV fixture", () => {
    for (const mtu of [3, 50, 100, 576, 1200, 1500]) {
      const p = new H264Packetizer({ mtu });
      for (const { aus } of fixtureStreams()) {
        for (const a of aus) for (const pk of p.packetize(a)) expect(pk.length - 12).toBeLessThanOrEqual(mtu);
      }
    }
  });

  it("returns a fresh buffer per packet, so sharing them with many viewers is safe", () => {
    const ps = new H264Packetizer().packetize(KEY);
    expect(new Set(ps.map((p) => p.buffer)).size).toBe(ps.length);
  });
});

describe("H264Packetizer numbering", () => {
  it("wraps the sequence number from 65535 to 0 and continues across calls", () => {
    const p = new H264Packetizer({ initialSequenceNumber: 65533 });
    const first = p.packetize(KEY).map((x) => headerOf(x).seq);
    const second = p.packetize(au([SEI])).map((x) => headerOf(x).seq);
    expect([...first, ...second]).toEqual([65533, 65534, 65535, 0, 1, 2]);
    expect(p.nextSequenceNumber).toBe(3);
  });

  const TIMESTAMPS = [
    { pts: 0, offset: 0, ts: 0 },
    { pts: 2 ** 32 - 1, offset: 0, ts: 0xffffffff },
    { pts: 2 ** 32, offset: 0, ts: 0 },
    { pts: 2 ** 32 + 3000, offset: 0, ts: 3000 },
    { pts: 1_530_000_000 * 3, offset: 0, ts: (1_530_000_000 * 3) % 2 ** 32 }, // 51 h of 90 kHz ticks
    { pts: 3000, offset: 2 ** 32 - 1000, ts: 2000 },
    { pts: -1, offset: 0, ts: 0xffffffff },
  ];
  for (const c of TIMESTAMPS) {
    it(`sends pts ${c.pts} with offset ${c.offset} as RTP timestamp ${c.ts} (mod 2^32)`, () => {
      const ps = new H264Packetizer({ timestampOffset: c.offset }).packetize(au([SPS, PPS, IDR], c.pts));
      expect(ps.map((x) => headerOf(x).ts)).toEqual([c.ts, c.ts, c.ts, c.ts]);
    });
  }
});

describe("H264Packetizer errors", () => {
  const OPTIONS: H264PacketizerOptions[] = [
    { payloadType: 128 },
    { ssrc: -1 },
    { ssrc: 2 ** 32 },
    { mtu: 2 },
    { mtu: 65_496 },
    { mtu: 1200.5 },
    { initialSequenceNumber: 65536 },
    { timestampOffset: Number.NaN },
  ];
  for (const o of OPTIONS) {
    it(`rejects options ${JSON.stringify(o)} with InvalidFieldError`, () => {
      expect(() => new H264Packetizer(o)).toThrow(InvalidFieldError);
    });
  }

  for (const type of [0, 24, 28, 31]) {
    it(`rejects a NAL unit of type ${type}, which no receiver could tell from an RTP packet type, without using a sequence number`, () => {
      const p = new H264Packetizer();
      expect(() => p.packetize(au([SPS, Uint8Array.of(0x60 | type, 1)]))).toThrow(InvalidFieldError);
      expect(p.nextSequenceNumber).toBe(0);
    });
  }

  it("rejects a pts that is not a safe integer", () => {
    expect(() => new H264Packetizer().packetize(au([SEI], 1.5))).toThrow(InvalidFieldError);
  });
});
