/**
 * Real H.264 access units for recorder tests, made once per run by FFmpeg:
 * `ffmpeg -f lavfi -i testsrc2=size=320x240:rate=30 -t SECONDS -c:v libx264 -g GOP -bf 0
 * -preset ultrafast -f h264`, one slice per picture, SPS/PPS in front of every IDR
 * (`-x264-params repeat-headers=1`). Timestamps: 3000 ticks (1/30 s) apart.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { splitAnnexB } from "../../../../src/media/annexb.ts";

const made = new Map<string, AccessUnit[]>();

/** Access units of a clip of `seconds` at 30 fps with an IDR every `gop` frames. */
export function clipAccessUnits(seconds: number, gop: number, size = "320x240"): AccessUnit[] {
  const key = `${seconds}/${gop}/${size}`;
  const hit = made.get(key);
  if (hit) return hit;
  const file = `${mkdtempSync(`${tmpdir()}/camserver-clip-`)}/clip.h264`;
  const r = Bun.spawnSync(
    [
      "ffmpeg",
      "-nostdin",
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${size}:rate=30`,
      "-t",
      String(seconds),
      "-c:v",
      "libx264",
      "-g",
      String(gop),
      "-bf",
      "0",
      "-preset",
      "ultrafast",
      "-x264-params",
      "repeat-headers=1",
      "-f",
      "h264",
      file,
    ],
    { timeout: 60_000 },
  );
  if (r.exitCode !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  const aus: AccessUnit[] = [];
  let pending: Uint8Array[] = [];
  for (const n of splitAnnexB(new Uint8Array(readFileSync(file)))) {
    const t = n[0]! & 0x1f;
    pending.push(n);
    if (t === 1 || t === 5) {
      const dts = aus.length * 3000;
      aus.push({ nalus: pending, dts, pts: dts, isKeyframe: t === 5 });
      pending = [];
    }
  }
  made.set(key, aus);
  return aus;
}
