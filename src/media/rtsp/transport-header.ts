/**
 * The Transport header (RFC 2326 §12.39) as a server answers SETUP: the profile
 * (`RTP/AVP/TCP` for interleaved), `interleaved=n-m` (the channels RTP and RTCP will use,
 * §10.12), `server_port` (UDP), `ssrc` and `mode`. A server may choose other channels than the client asked for
 * (§12.39: "the server MAY return ... the values actually chosen"), so the client reads them.
 */

import { parseParams } from "./header-params.ts";
import { MalformedHeaderError } from "./rtsp-errors.ts";

/** A parsed Transport specification (the first one, when a server lists several). */
export interface TransportHeader {
  /** `RTP/AVP/TCP`, `RTP/AVP` (UDP) or `RTP/AVP/UDP`, upper-cased. */
  readonly profile: string;
  /** True for `RTP/AVP/TCP` (RTP interleaved in the RTSP connection). */
  readonly tcp: boolean;
  /** Interleaved channels [RTP, RTCP], 0..255, when present. */
  readonly interleaved?: readonly [number, number];
  /** The sender's SSRC, 0..2^32-1, when given. */
  readonly ssrc?: number;
  /** UDP ports [RTP, RTCP] the server sends from (`server_port`), when given. */
  readonly serverPorts?: readonly [number, number];
}

function portPair(v: string | undefined): [number, number] | undefined {
  const m = v === undefined ? null : /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a + 1 : Number(m[2]);
  return a > 0 && a <= 65535 && b > 0 && b <= 65535 ? [a, b] : undefined;
}

/**
 * Parses a Transport header value. Hikvision and Dahua pad `ssrc` with spaces
 * (`ssrc=     D93FF`); a single channel `interleaved=4` means 4-5.
 * @throws MalformedHeaderError for a missing profile or an interleaved range that is not n or n-m in 0..255
 */
export function parseTransport(value: string): TransportHeader {
  const spec = value.split(",")[0]!;
  const semi = spec.indexOf(";");
  const profile = (semi < 0 ? spec : spec.slice(0, semi)).trim().toUpperCase();
  if (!/^RTP\/AVP(\/(TCP|UDP))?$/.test(profile)) throw new MalformedHeaderError("Transport", value);
  const params = semi < 0 ? new Map<string, string>() : parseParams(spec.slice(semi + 1), ";");
  let interleaved: [number, number] | undefined;
  const il = params.get("interleaved");
  if (il !== undefined) {
    const m = /^(\d{1,3})(?:\s*-\s*(\d{1,3}))?$/.exec(il);
    const a = Number(m?.[1]);
    const b = m?.[2] === undefined ? a + 1 : Number(m[2]);
    if (!m || a > 255 || b > 255) throw new MalformedHeaderError("Transport", value);
    interleaved = [a, b];
  }
  const s = params.get("ssrc")?.trim();
  const ssrc = s !== undefined && /^[0-9a-fA-F]{1,8}$/.test(s) ? Number.parseInt(s, 16) : undefined;
  const serverPorts = portPair(params.get("server_port"));
  return {
    profile,
    tcp: profile.endsWith("/TCP"),
    ...(interleaved && { interleaved }),
    ...(ssrc !== undefined && { ssrc }),
    ...(serverPorts && { serverPorts }),
  };
}
