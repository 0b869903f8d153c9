/**
 * fMP4 muxer micro benchmark (not a bun test): `bun test/bench/fmp4-mux.ts [--seconds S]`.
 *
 * Ten seconds of synthetic 720p30 H.264 at about 4 Mbit/s, the same shape as
 * test/bench/rtp-packetize.ts (1 s GOP: an IDR of ~60 KB with SPS and PPS in front, then 29 P
 * frames of ~15 KB; random bytes, sizes jittered +-20 %). Each row repeats one step over the
 * ten seconds for S seconds (default 2) and prints ns per sample (one sample = one access
 * unit), MB/s of sample bytes and the share of one core a single 4 Mbit/s camera costs:
 *
 * - SampleBuilder.push: access unit to AVCC sample (one copy of the NAL units);
 * - mediaFragment per GOP (HLS segment, recording) and per 6 samples (200 ms LL-HLS part):
 *   moof + mdat in one new buffer (a second copy);
 * - mediaFragmentParts per GOP: the boxes only, payloads handed on for writev (no copy);
 * - readFragments: a fragment read back (recordings).
 * No assertions.
 */
import { FPS, syntheticStream } from "./kit/synthetic-stream.ts";
import { type TimedSample, SampleBuilder, mediaFragment, mediaFragmentParts, readFragments } from "../../src/media/fmp4/index.ts";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 2;
const { aus, auBytes } = syntheticStream();

function build(): TimedSample[] {
  const b = new SampleBuilder();
  const out: TimedSample[] = [];
  for (const au of aus) {
    const s = b.push(au);
    if (s) out.push(s);
  }
  out.push(b.flush()!);
  return out;
}
const samples = build();
const runs = (n: number) => Array.from({ length: Math.ceil(samples.length / n) }, (_, i) => samples.slice(i * n, i * n + n));
const gops = runs(FPS);
const llParts = runs(6);
const fragments = gops.map((s, i) => mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: s[0]!.dts, samples: s }));

/** Repeats `pass` (over all samples once) for `seconds`; prints ns/sample, MB/s, core share. */
function run(name: string, pass: () => unknown): void {
  for (let w = 0; w < 3; w++) pass(); // warm-up
  let passes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    pass();
    passes++;
  }
  const s = (performance.now() - t0) / 1000;
  const nsPerSample = (s * 1e9) / (passes * samples.length);
  console.log(
    `${name.padEnd(40)} ${nsPerSample.toFixed(0).padStart(7)} ns/sample ${((passes * auBytes) / s / 1e6).toFixed(0).padStart(7)} MB/s` +
      `   one 4 Mbit/s camera = ${((100 * s) / ((passes * aus.length) / FPS)).toFixed(4)} % of a core`,
  );
}

console.log(`${aus.length} AUs (720p30-sized), ${(auBytes / 1e6).toFixed(2)} MB = ${((auBytes * 8) / 10 / 1e6).toFixed(2)} Mbit/s, ${seconds} s per row`);
run("SampleBuilder.push (AU -> AVCC sample)", build);
run("mediaFragment per GOP (30 samples)", () => gops.map((s, i) => mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: s[0]!.dts, samples: s })));
run("mediaFragment per LL-HLS part (6 samples)", () =>
  llParts.map((s, i) => mediaFragment({ sequenceNumber: i + 1, baseDecodeTime: s[0]!.dts, samples: s, styp: false })),
);
run("mediaFragmentParts per GOP (no copy)", () => gops.map((s, i) => mediaFragmentParts({ sequenceNumber: i + 1, baseDecodeTime: s[0]!.dts, samples: s })));
run("SampleBuilder + mediaFragment per GOP", () => {
  const all = build();
  for (let i = 0; i < all.length; i += FPS) mediaFragment({ sequenceNumber: 1, baseDecodeTime: all[i]!.dts, samples: all.slice(i, i + FPS) });
});
run("readFragments per GOP fragment", () => fragments.map((f) => readFragments(f)));
