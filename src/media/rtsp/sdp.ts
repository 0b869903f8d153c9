/**
 * The parts of an SDP (RFC 8866) an RTSP client needs: the session-level `a=control`, and per
 * media section (`m=`, §5.14) its type, payload types, `a=control`, `a=rtpmap` (§6.6) and
 * `a=fmtp` (§6.15) parameters. Everything else is skipped.
 *
 * Cameras write SDP loosely, and the parser is lenient where that costs nothing: CRLF, LF or CR
 * line ends, blank or space-only lines (a Reolink doorbell's live555 sends one), incomplete lines
 * such as `c=IN ` (Uniview IPC2122LB), unknown line types, and `m=` lines whose media is not a
 * plain token (`m=application/TP-LINK 0 RTP/AVP smart/1/90000`).
 */

import { parseParams } from "./header-params.ts";
import { SdpError } from "./rtsp-errors.ts";

/** `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (§6.6). */
export interface RtpMap {
  /** Encoding name upper-cased, e.g. "H264", "H265", "PCMA", "MPEG4-GENERIC". */
  readonly encoding: string;
  /** RTP clock rate in Hz, e.g. 90000 for video. */
  readonly clockRate: number;
}

/** One media section (§5.14). */
export interface SdpMedia {
  /** "video", "audio", "application"... lower-cased. */
  readonly type: string;
  /** Payload types listed on the `m=` line, in order (non-numeric formats skipped). */
  readonly formats: readonly number[];
  /** The media-level `a=control`, if any. */
  readonly control?: string;
  readonly rtpmap: ReadonlyMap<number, RtpMap>;
  /** `a=fmtp` parameters per payload type, keys lower-cased. */
  readonly fmtp: ReadonlyMap<number, ReadonlyMap<string, string>>;
}

/** A parsed session description. */
export interface SessionDescription {
  /** The session-level `a=control` (aggregate control URL or `*`), if any. */
  readonly control?: string;
  readonly media: readonly SdpMedia[];
}

interface MutableMedia {
  type: string;
  formats: number[];
  control?: string;
  rtpmap: Map<number, RtpMap>;
  fmtp: Map<number, Map<string, string>>;
}

/**
 * Parses an SDP. Bounded by the caller (the RTSP body limit); linear in its length.
 * @throws SdpError when there is no `m=` line at all (not a session description we can use)
 */
export function parseSdp(text: string): SessionDescription {
  let control: string | undefined;
  const media: MutableMedia[] = [];
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line.length < 2 || line[1] !== "=") continue;
    const value = line.slice(2);
    const current = media.at(-1);
    if (line[0] === "m") {
      const [type = "", , , ...fmts] = value.split(/\s+/);
      const formats = fmts
        .filter((f) => /^\d{1,3}$/.test(f))
        .map(Number)
        .filter((pt) => pt <= 127);
      media.push({ type: type.toLowerCase(), formats, rtpmap: new Map(), fmtp: new Map() });
      continue;
    }
    if (line[0] !== "a") continue;
    const colon = value.indexOf(":");
    const name = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
    const arg = colon < 0 ? "" : value.slice(colon + 1).trim();
    if (name === "control") {
      if (current) current.control ??= arg;
      else control ??= arg;
    } else if (current && (name === "rtpmap" || name === "fmtp")) {
      const m = /^(\d{1,3})\s+(.*)$/.exec(arg);
      if (!m) continue;
      const pt = Number(m[1]);
      if (name === "rtpmap") {
        const [enc = "", rate = ""] = m[2]!.trim().split("/");
        const clockRate = Number(rate);
        if (enc && Number.isInteger(clockRate) && clockRate > 0) current.rtpmap.set(pt, { encoding: enc.toUpperCase(), clockRate });
      } else if (!current.fmtp.has(pt)) {
        current.fmtp.set(pt, parseParams(m[2]!, ";"));
      }
    }
  }
  if (media.length === 0) throw new SdpError("no media section (m= line)");
  return { ...(control !== undefined && { control }), media };
}
