/**
 * A synthetic 720p30-sized H.264 stream for micro benchmarks: 10 s of access units at 30 fps,
 * a GOP of 1 s, IDRs of about 60 KB with SPS/PPS in front and P frames of about 15 KB (sizes
 * vary +-20 %), random payloads. Not decodable: only sizes and NAL unit types matter here.
 */
import type { AccessUnit } from "../../../src/media/access-unit.ts";

/** Frames per second of the stream. */
export const FPS = 30;
/** A baseline-profile SPS (1280x720) and its PPS. */
export const SPS = Uint8Array.from([0x67, 0x42, 0xc0, 0x1f, 0xda, 0x01, 0x40, 0x16, 0xec, 0x04, 0x40, 0, 0, 3, 0, 0x40, 0, 0, 0x0c, 0x83, 0xc6, 0x0c, 0xa8]);
export const PPS = Uint8Array.from([0x68, 0xce, 0x03, 0x9c, 0x80]);

/** A NAL unit with `header` and about `size` random bytes. */
function nalu(header: number, size: number): Uint8Array {
  const n = new Uint8Array(Math.round(size * (0.8 + Math.random() * 0.4)));
  for (let o = 1; o < n.length; o += 65536) crypto.getRandomValues(n.subarray(o, o + 65536));
  n[0] = header;
  return n;
}

/** 10 s of access units (90 kHz timestamps) and their total NAL unit bytes. */
export function syntheticStream(): { aus: AccessUnit[]; auBytes: number } {
  const aus: AccessUnit[] = [];
  for (let i = 0; i < 10 * FPS; i++) {
    const key = i % FPS === 0;
    const nalus = key ? [SPS, PPS, nalu(0x65, 60_600)] : [nalu(0x41, 15_150)];
    aus.push({ nalus, dts: i * 3000, pts: i * 3000, isKeyframe: key });
  }
  return { aus, auBytes: aus.reduce((n, a) => n + a.nalus.reduce((m, x) => m + x.byteLength, 0), 0) };
}
