/**
 * Access units for the HLS tests, from real bytes: `clip320.h264` (see
 * test/unit/media/fixtures/README.md: 320x240, 10 pictures, IDR every 5, SPS and PPS in front
 * of each IDR) split with src/media. Each VCL NAL unit ends an access unit (one slice per
 * picture in this encode). `liveStream` repeats the clip's IDR and P pictures in any GOP
 * length: right for cutting and timing tests; only the clip's own GOPs decode cleanly.
 */
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { splitAnnexB } from "../../../../src/media/annexb.ts";
import { isVcl, NalType, nalType } from "../../../../src/media/nal.ts";
import { fixture, hex, SPS_CASES } from "../../media/fixtures.ts";

/** The clip's 10 access units, 1/30 s apart from dts 0. */
export function clipAccessUnits(): AccessUnit[] {
  const out: AccessUnit[] = [];
  let nalus: Uint8Array[] = [];
  for (const n of splitAnnexB(fixture("clip320.h264"))) {
    nalus.push(n);
    if (!isVcl(nalType(n))) continue;
    const dts = out.length * 3000;
    out.push({ nalus, dts, pts: dts, isKeyframe: nalType(n) === NalType.IDR });
    nalus = [];
  }
  return out;
}

/** Shape of a synthetic live stream. */
export interface LiveStreamShape {
  /** Pictures per GOP (IDR every `gop`). */
  readonly gop: number;
  readonly fps: number;
  readonly frames: number;
  /** dts of the first picture, 90 kHz. @defaultValue 0 */
  readonly startDts?: number;
  /** Start with this many P pictures before the first IDR. @defaultValue 0 */
  readonly leadingP?: number;
}

/** A live stream of `frames` pictures: IDRs (with SPS and PPS) every `gop`, P pictures between. */
export function liveStream(s: LiveStreamShape): AccessUnit[] {
  const clip = clipAccessUnits();
  const idr = clip[0]!;
  const p = clip.filter((a) => !a.isKeyframe);
  const step = 90000 / s.fps;
  const out: AccessUnit[] = [];
  const lead = s.leadingP ?? 0;
  for (let i = 0; i < s.frames; i++) {
    const dts = Math.round((s.startDts ?? 0) + i * step);
    const key = i >= lead && (i - lead) % s.gop === 0;
    out.push({ nalus: key ? idr.nalus : p[i % p.length]!.nalus, dts, pts: dts, isKeyframe: key });
  }
  return out;
}

/** The clip's IDR with the SPS of a 1280x720 encode in place of its own (a camera that changed its resolution). */
export function idrWithOtherSps(dts: number): AccessUnit {
  const idr = clipAccessUnits()[0]!;
  const other = hex(SPS_CASES.find((c) => c.width === 1280 && c.height === 720)!.sps);
  return { nalus: idr.nalus.map((n) => (nalType(n) === NalType.SPS ? other : n)), dts, pts: dts, isKeyframe: true };
}
