/**
 * SPS and PPS in front of every keyframe, and the cache of the latest ones a stream carried.
 * Order of NAL units in an access unit follows ITU-T H.264 §7.4.1.2.3: access unit
 * delimiter first, then SPS and PPS, then SEI, then the slices.
 */

import type { AccessUnit } from "./access-unit.ts";
import { NalType, nalType } from "./nal.ts";
import { type NalUnit, nalBytes } from "./nal-unit.ts";

function isParameterSet(nalu: NalUnit): boolean {
  const t = nalu.byteLength > 0 ? nalType(nalu) : 0;
  return t === NalType.SPS || t === NalType.PPS;
}

/**
 * A keyframe access unit with the given SPS and PPS in front (§7.4.1.2.3): after its access
 * unit delimiter when it starts with one, otherwise first. SPS and PPS the access unit
 * carried itself are dropped, so none is duplicated. Decoders that join at this keyframe
 * (WebRTC viewers, recorders, HLS) need them in-band.
 * @param au the access unit; not modified
 * @param sps SPS NAL units to put in front, header byte included
 * @param pps PPS NAL units to put after them
 * @returns a new access unit with the same timing for a keyframe; `au` itself for a
 *   non-keyframe, or when `sps` or `pps` is empty (nothing known to put in front)
 */
export function withParameterSets(au: AccessUnit, sps: readonly Uint8Array[], pps: readonly Uint8Array[]): AccessUnit {
  if (!au.isKeyframe || sps.length === 0 || pps.length === 0) return au;
  const nalus: NalUnit[] = [];
  let rest = 0;
  const first = au.nalus[0];
  if (first !== undefined && first.byteLength > 0 && nalType(first) === NalType.AUD) {
    nalus.push(first);
    rest = 1;
  }
  nalus.push(...sps, ...pps);
  for (let i = rest; i < au.nalus.length; i++) {
    const n = au.nalus[i]!;
    if (!isParameterSet(n)) nalus.push(n);
  }
  return { nalus, dts: au.dts, pts: au.pts, isKeyframe: au.isKeyframe };
}

/** Whether two byte strings are equal (both undefined counts as equal). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSets(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => sameBytes(x, b[i])));
}

/**
 * The first SPS and the first PPS an access unit carries in-band (§7.4.1.2.3; the pipeline
 * puts them in front of every IDR), or undefined for each it lacks.
 */
export function parameterSetsOf(au: AccessUnit): { sps: Uint8Array | undefined; pps: Uint8Array | undefined } {
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  for (const n of au.nalus) {
    if (n.byteLength === 0) continue;
    const t = nalType(n);
    if (t === NalType.SPS) sps ??= nalBytes(n);
    else if (t === NalType.PPS) pps ??= nalBytes(n);
  }
  return { sps, pps };
}

/**
 * The latest SPS and PPS of one stream. The pipeline calls {@link update} on every access
 * unit (in-band parameter sets, ITU-T H.264 §7.4.1.2.3) and {@link set} with out-of-band
 * ones (an FLV AVC sequence header, an RTSP sprop-parameter-sets). An access unit that
 * carries SPS but no PPS replaces only the SPS, and the other way round.
 */
export class ParameterSetCache {
  private spsList: readonly Uint8Array[] = [];
  private ppsList: readonly Uint8Array[] = [];
  private lastChanged = false;

  /** Latest SPS NAL units, header byte included; [] until one is seen. */
  get sps(): readonly Uint8Array[] {
    return this.spsList;
  }

  /** Latest PPS NAL units, header byte included; [] until one is seen. */
  get pps(): readonly Uint8Array[] {
    return this.ppsList;
  }

  /** True when at least one SPS and one PPS are known. */
  get ready(): boolean {
    return this.spsList.length > 0 && this.ppsList.length > 0;
  }

  /** Whether the last {@link update} or {@link set} changed the SPS or PPS bytes. */
  get changed(): boolean {
    return this.lastChanged;
  }

  /**
   * Remembers the SPS and PPS an access unit carries in-band. Cheap when it carries none.
   * @returns true when the SPS or PPS bytes differ from the ones known before
   */
  update(au: AccessUnit): boolean {
    let sps: Uint8Array[] | undefined;
    let pps: Uint8Array[] | undefined;
    for (const n of au.nalus) {
      const t = n.byteLength > 0 ? nalType(n) : 0;
      if (t === NalType.SPS) (sps ??= []).push(nalBytes(n));
      else if (t === NalType.PPS) (pps ??= []).push(nalBytes(n));
    }
    return this.set(sps ?? this.spsList, pps ?? this.ppsList);
  }

  /**
   * Replaces the known SPS and PPS, e.g. with those of an AVCDecoderConfigurationRecord.
   * An empty list keeps the current one. Changed sets are copied, never kept by reference.
   * @returns true when the SPS or PPS bytes differ from the ones known before
   */
  set(sps: readonly Uint8Array[], pps: readonly Uint8Array[]): boolean {
    let changed = false;
    if (sps.length > 0 && !sameSets(sps, this.spsList)) {
      this.spsList = sps.map((n) => n.slice());
      changed = true;
    }
    if (pps.length > 0 && !sameSets(pps, this.ppsList)) {
      this.ppsList = pps.map((n) => n.slice());
      changed = true;
    }
    this.lastChanged = changed;
    return changed;
  }
}
