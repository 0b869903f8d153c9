/**
 * The RTP-Info header of a PLAY answer (RFC 2326 §12.33): per stream, its URL and the
 * sequence number and RTP timestamp of the first packet sent after PLAY.
 */

import { parseParams } from "./header-params.ts";

/** One stream's entry. */
export interface RtpInfoEntry {
  /** The stream URL as the server wrote it (absolute or relative). */
  readonly url: string;
  /** Sequence number of the first packet, 0..65535, when given. */
  readonly seq?: number;
  /** RTP timestamp of the first packet, 0..2^32-1, when given. */
  readonly rtptime?: number;
}

function uint(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const v = Number(text);
  return v <= max ? v : undefined;
}

/**
 * Parses an RTP-Info value. Entries are split at a comma followed by `url=`, because Dahua-style
 * URLs carry query strings and some servers leave no space after the comma
 * (`url=rtsp://.../trackID=1;seq=58477;rtptime=1020884293,url=rtsp://.../trackID=2;...`).
 * Entries without a url are skipped; numbers out of range are left out.
 */
export function parseRtpInfo(value: string): RtpInfoEntry[] {
  const out: RtpInfoEntry[] = [];
  for (const part of value.split(/,\s*(?=url\s*=)/i)) {
    const p = parseParams(part, ";");
    const url = p.get("url");
    if (!url) continue;
    const seq = uint(p.get("seq"), 0xffff);
    const rtptime = uint(p.get("rtptime"), 0xffffffff);
    out.push({ url, ...(seq !== undefined && { seq }), ...(rtptime !== undefined && { rtptime }) });
  }
  return out;
}
