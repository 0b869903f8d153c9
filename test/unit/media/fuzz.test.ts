/**
 * Random and mutated inputs for every parser of src/media: whatever the bytes, the only
 * thing that may be thrown is a MediaError. Seeded, so a failure replays.
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { AnnexBSplitter, splitAnnexB } from "../../../src/media/annexb.ts";
import { buildAvcConfig, parseAvcConfig } from "../../../src/media/avc-config.ts";
import { FlvDemuxer } from "../../../src/media/flv-demux.ts";
import { FlvMuxer } from "../../../src/media/flv-mux.ts";
import { ParameterSetCache, withParameterSets } from "../../../src/media/parameter-sets.ts";
import { parseSps } from "../../../src/media/sps.ts";
import { FLV_FIXTURES, SPS_CASES, fixture, flvTags, hex, onlyMediaErrors, prng, randomChunks } from "./fixtures.ts";
import { nalBytes } from "../../../src/media/nal-unit.ts";

const rand = prng(20_240_601);
const int = (n: number) => Math.floor(rand() * n);

function randomBytes(max: number): Uint8Array {
  const b = new Uint8Array(int(max + 1));
  for (let i = 0; i < b.length; i++) b[i] = rand() < 0.3 ? 0 : int(256); // zeros make start codes likely
  return b;
}

function mutate(src: Uint8Array, from = 0): Uint8Array {
  const b = src.slice(0, rand() < 0.2 ? from + int(src.length - from + 1) : src.length);
  for (let k = 1 + int(8); k > 0 && b.length > from; k--) b[from + int(b.length - from)] = int(256);
  return b;
}

/** A copy of an FLV file with a few bytes changed among the first 40 of some tags. */
function mutateTagHeaders(flv: Uint8Array): Uint8Array {
  const b = flv.slice();
  const tags = flvTags(b);
  for (let k = 1 + int(3); k > 0; k--) {
    const t = tags[int(tags.length)]!;
    b[t.offset + int(Math.min(11 + t.dataSize, 40))] = int(256);
  }
  return b;
}

const FLV_HEADER = hex("464c5601010000000900000000");

describe("fuzzing", () => {
  it("splits 3000 random byte streams whole and in chunks with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const b = randomBytes(200);
      onlyMediaErrors(() => splitAnnexB(b));
      const s = new AnnexBSplitter({ maxNaluBytes: 64 });
      for (const c of randomChunks(b, rand, 50)) onlyMediaErrors(() => s.push(c));
      onlyMediaErrors(() => s.flush());
    }
  });

  it("parses 3000 random and mutated SPS with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const sps = i % 2 ? Uint8Array.from([0x67, ...randomBytes(60)]) : mutate(hex(SPS_CASES[i % SPS_CASES.length]!.sps), 1);
      onlyMediaErrors(() => parseSps(sps));
    }
  });

  it("parses 3000 random and mutated decoder configurations with only MediaError thrown", () => {
    const real = FLV_FIXTURES.map((f) => {
      const d = new FlvDemuxer();
      d.push(fixture(f.file));
      return buildAvcConfig(d.sps, d.pps);
    });
    for (let i = 0; i < 3000; i++) {
      const b = i % 2 ? randomBytes(80) : mutate(real[i % real.length]!);
      onlyMediaErrors(() => parseAvcConfig(b));
      onlyMediaErrors(() => buildAvcConfig([b], [b]));
    }
  });

  it("demuxes 3000 random tag streams after a valid header with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const d = new FlvDemuxer({ maxTagBytes: 4096 });
      onlyMediaErrors(() => d.push(FLV_HEADER));
      for (const c of randomChunks(randomBytes(400), rand, 64)) onlyMediaErrors(() => d.push(c));
    }
  });

  it("demuxes 2000 mutated copies of FFmpeg's FLV files in random chunks with only MediaError thrown", () => {
    const files = FLV_FIXTURES.map((f) => fixture(f.file));
    let threw = 0;
    for (let i = 0; i < 2000; i++) {
      const d = new FlvDemuxer();
      const flv = i % 2 ? mutate(files[i % files.length]!) : mutateTagHeaders(files[i % files.length]!);
      for (const c of randomChunks(flv, rand, 4096)) {
        if (onlyMediaErrors(() => d.push(c))) {
          threw++;
          break;
        }
      }
    }
    expect(threw).toBeGreaterThan(200); // the mutations do reach the error paths
  });

  it("muxes 2000 random access units with only MediaError thrown", () => {
    const mux = new FlvMuxer();
    const odd = [0, -1, 1.5, 2 ** 40, Number.NaN, Number.POSITIVE_INFINITY, -(2 ** 30)];
    for (let i = 0; i < 2000; i++) {
      const dts = rand() < 0.5 ? odd[int(odd.length)]! : int(2 ** 35);
      const au: AccessUnit = {
        nalus: Array.from({ length: int(4) }, () => randomBytes(20)),
        dts,
        pts: rand() < 0.5 ? odd[int(odd.length)]! : dts + int(2 ** 25) - 2 ** 24,
        isKeyframe: rand() < 0.5,
      };
      onlyMediaErrors(() => mux.videoTag(au, rand() < 0.5 ? 0 : odd[int(odd.length)]!));
      onlyMediaErrors(() => mux.sequenceHeader(au.nalus.map(nalBytes), au.nalus.map(nalBytes), dts));
    }
  });

  it("caches and inserts parameter sets of 2000 random access units without throwing", () => {
    const cache = new ParameterSetCache();
    for (let i = 0; i < 2000; i++) {
      const au: AccessUnit = { nalus: Array.from({ length: int(5) }, () => randomBytes(6)), dts: 0, pts: 0, isKeyframe: rand() < 0.5 };
      cache.update(au);
      withParameterSets(au, cache.sps, cache.pps);
    }
    expect(cache.ready).toBe(true);
  });
});
