/**
 * The video track of an RTSP session, picked from its SDP: H.264 (RFC 6184 §8.1 media type
 * parameters: packetization-mode, profile-level-id, sprop-parameter-sets), or H.265 recognised
 * by its rtpmap (RFC 7798 §7.1, `H265/90000`) so that the caller can hand such a camera to a
 * transcoder. Audio and application sections are ignored.
 */

import { decodeBase64 } from "../base64.ts";
import { MediaError } from "../errors.ts";
import { NalType } from "../nal.ts";
import type { SdpMedia, SessionDescription } from "./sdp.ts";

/** An H.264 video track the native client can receive. */
export interface H264Track {
  readonly codec: "h264";
  readonly payloadType: number;
  /** RTP clock rate in Hz (90000 per RFC 6184 §8.2.1; read, not assumed). */
  readonly clockRate: number;
  /** The media-level `a=control`, if any (resolve with control-url.ts). */
  readonly control?: string;
  /** 0 single NAL unit, 1 non-interleaved, 2 interleaved (§6); absent means 0. */
  readonly packetizationMode: number;
  /** profile_idc, constraint flags, level_idc as 6 hex digits, if given. */
  readonly profileLevelId?: string;
  /** SPS NAL units from sprop-parameter-sets, header byte included. */
  readonly sps: readonly Uint8Array[];
  /** PPS NAL units from sprop-parameter-sets. */
  readonly pps: readonly Uint8Array[];
}

/** A video track in a codec other than H.264. */
export interface OtherVideoTrack {
  /** "h265" (RFC 7798 rtpmap H265 or HEVC), or "other". */
  readonly codec: "h265" | "other";
  readonly payloadType: number;
  /** The rtpmap encoding name, or "" when the payload type has no rtpmap. */
  readonly encoding: string;
  readonly control?: string;
}

/** What {@link findVideoTrack} found. */
export type VideoTrack = H264Track | OtherVideoTrack;

/** SPS and PPS of a sprop-parameter-sets value (§8.1: comma-separated base64 NAL units). */
export function parseSpropParameterSets(value: string): { sps: Uint8Array[]; pps: Uint8Array[] } {
  const sps: Uint8Array[] = [];
  const pps: Uint8Array[] = [];
  for (const part of value.split(",")) {
    if (part.trim() === "") continue;
    let nalu: Uint8Array;
    try {
      nalu = decodeBase64(part, "SDP sprop-parameter-sets");
    } catch (e) {
      if (e instanceof MediaError) continue; // a broken entry: in-band sets may still come
      throw e;
    }
    const type = (nalu[0] ?? 0) & 0x1f;
    if (type === NalType.SPS) sps.push(nalu);
    else if (type === NalType.PPS) pps.push(nalu);
  }
  return { sps, pps };
}

function h264(m: SdpMedia, pt: number, clockRate: number): H264Track {
  const f = m.fmtp.get(pt) ?? new Map<string, string>();
  const mode = Number(f.get("packetization-mode") ?? "0");
  const plid = f.get("profile-level-id");
  const sets = parseSpropParameterSets(f.get("sprop-parameter-sets") ?? "");
  return {
    codec: "h264",
    payloadType: pt,
    clockRate,
    ...(m.control !== undefined && { control: m.control }),
    packetizationMode: Number.isInteger(mode) ? mode : 0,
    ...(plid !== undefined && /^[0-9a-fA-F]{6}$/.test(plid) && { profileLevelId: plid.toLowerCase() }),
    ...sets,
  };
}

/**
 * The video track to receive: the first H.264 payload type of any video section; else the first
 * H.265 one; else the first payload type of the first video section ("other"); else undefined
 * (no video at all).
 */
export function findVideoTrack(sdp: SessionDescription): VideoTrack | undefined {
  const video = sdp.media.filter((m) => m.type === "video");
  for (const m of video) {
    for (const pt of m.formats) {
      const map = m.rtpmap.get(pt);
      if (map?.encoding === "H264") return h264(m, pt, map.clockRate);
    }
  }
  let first: OtherVideoTrack | undefined;
  for (const m of video) {
    for (const pt of m.formats) {
      const encoding = m.rtpmap.get(pt)?.encoding ?? "";
      const codec = encoding === "H265" || encoding === "HEVC" ? "h265" : "other";
      const track: OtherVideoTrack = { codec, payloadType: pt, encoding, ...(m.control !== undefined && { control: m.control }) };
      if (codec === "h265") return track;
      first ??= track;
    }
  }
  return first;
}
