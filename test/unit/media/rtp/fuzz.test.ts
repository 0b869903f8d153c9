/**
 * Random access units through packetizer and depacketizer, and random or mutated packets into
 * the depacketizer: round trips must be exact and the only thing ever thrown a MediaError.
 * Seeded, so a failure replays.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { H264Depacketizer } from "../../../../src/media/rtp/h264-depacketizer.ts";
import { H264Packetizer } from "../../../../src/media/rtp/h264-packetizer.ts";
import { rtpTimestamp } from "../../../../src/media/rtp/h264-rtp.ts";
import { prng } from "../fixtures.ts";
import { fixtureStreams, headerOf, onlyMediaErrors, sentNalus } from "./rtp-fixtures.ts";
import { nalType } from "../../../../src/media/nal.ts";

const rand = prng(6184);
const int = (n: number) => Math.floor(rand() * n);

/** A NAL unit of a random sendable type (1..23), F and NRI random, 1 byte to 200 KB, mostly small. */
function randomNalu(type = 1 + int(23)): Uint8Array {
  const size = rand() < 0.1 ? 1 + int(200_000) : rand() < 0.5 ? 1 + int(3000) : 1 + int(40);
  const n = new Uint8Array(size);
  for (let i = 1; i < size; i += 1 + int(64)) n[i] = int(256);
  n[0] = (int(8) << 5) | type;
  return n;
}

/** 1..6 NAL units, sometimes with SPS/PPS runs, AUDs and empty NAL units; an IDR when `key`. */
function randomAu(pts: number, key: boolean): AccessUnit {
  const nalus: Uint8Array[] = [];
  if (rand() < 0.2) nalus.push(Uint8Array.of(0x09, 0xf0));
  if (rand() < 0.4) for (let k = 1 + int(4); k > 0; k--) nalus.push(randomNalu(rand() < 0.5 ? 7 : 8));
  for (let k = int(6); k > 0; k--) nalus.push(rand() < 0.1 ? new Uint8Array(0) : randomNalu());
  if (key) nalus.push(randomNalu(5));
  if (sentNalus({ nalus, dts: pts, pts, isKeyframe: key }).length === 0) nalus.push(randomNalu(1));
  return { nalus, dts: pts, pts, isKeyframe: key };
}

describe("random access units", () => {
  it("round-trip 400 random streams exactly at random MTUs 100..1500, every packet within the MTU", () => {
    for (let s = 0; s < 400; s++) {
      const mtu = 100 + int(1401);
      const offset = int(2 ** 32);
      const packetizer = new H264Packetizer({ mtu, initialSequenceNumber: int(65536), timestampOffset: offset });
      const depacketizer = new H264Depacketizer();
      let pts = rand() < 0.3 ? 2 ** 32 - int(20_000) : int(2 ** 40);
      for (let a = 0, n = 1 + int(4); a < n; a++, pts += 3000) {
        const au = randomAu(pts, a === 0 || rand() < 0.3);
        const packets = packetizer.packetize(au);
        expect(packets.every((p, i) => p.length - 12 <= mtu && headerOf(p).marker === (i === packets.length - 1))).toBe(true);
        let got: AccessUnit | undefined;
        for (const p of packets) got = depacketizer.push(p) ?? got;
        expect(got?.nalus).toEqual(sentNalus(au));
        expect(got?.pts).toBe(rtpTimestamp(pts, offset));
      }
      expect(depacketizer.dropped).toBe(0);
    }
  });

  it("throw only MediaError for NAL units of any type and pts of any kind", () => {
    const packetizer = new H264Packetizer({ mtu: 100 + int(1401) });
    for (let i = 0; i < 3000; i++) {
      const nalus = Array.from({ length: int(4) }, () => Uint8Array.from({ length: int(300) }, () => int(256)));
      const pts = [0, -1, 1.5, Number.NaN, 2 ** 53, int(2 ** 33)][int(6)]!;
      onlyMediaErrors(() => packetizer.packetize({ nalus, dts: 0, pts, isKeyframe: false }));
    }
  });
});

describe("random and mutated packets", () => {
  const real = fixtureStreams().flatMap(({ aus }) => {
    const p = new H264Packetizer({ mtu: 100 + int(400) });
    return aus.flatMap((a) => p.packetize(a));
  });

  function mutate(src: Uint8Array): Uint8Array {
    const b = src.slice(0, rand() < 0.2 ? int(src.length + 1) : src.length);
    for (let k = 1 + int(4); k > 0 && b.length > 0; k--) b[rand() < 0.7 ? int(Math.min(b.length, 16)) : int(b.length)] = int(256);
    return b;
  }

  it("throw only MediaError from the depacketizer, whose output is always well-formed", () => {
    let threw = 0;
    let emitted = 0;
    for (let s = 0; s < 300; s++) {
      const d = new H264Depacketizer({ maxAccessUnitBytes: 1 + int(20_000) });
      for (const p of real) {
        const q = rand() < 0.1 ? mutate(p) : rand() < 0.02 ? Uint8Array.from({ length: int(40) }, () => int(256)) : p;
        let got: AccessUnit | undefined;
        if (onlyMediaErrors(() => (got = d.push(q)))) threw++;
        if (got) {
          emitted++;
          expect(got.nalus.every((n) => n.byteLength > 0 && nalType(n) >= 1 && nalType(n) <= 23)).toBe(true);
        }
      }
    }
    expect(threw).toBeGreaterThan(0);
    expect(emitted).toBeGreaterThan(0);
  });

  it("throw only MediaError for packets with a valid RTP header and random payload", () => {
    const d = new H264Depacketizer();
    for (let i = 0; i < 20_000; i++) {
      const p = Uint8Array.from({ length: 12 + int(30) }, () => int(256));
      p.set([0x80, rand() < 0.5 ? 0xe0 : 0x60, (i >> 8) & 0xff, i & 0xff, 0, 0, 0, i >> 2]); // a new timestamp every 4 packets
      if (p.length > 12 && rand() < 0.5) p[12] = (p[12]! & 0xe0) | (rand() < 0.5 ? 24 : 28); // STAP-A or FU-A
      onlyMediaErrors(() => d.push(p));
    }
    expect(onlyMediaErrors(() => d.push(new Uint8Array(0)))).toBe(true);
  });
});
