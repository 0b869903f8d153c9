/**
 * RTSP messages (RFC 2326 §4-§7): requests, responses and their header fields. Field names
 * are case-insensitive (§4.2, as in RFC 2616 §4.2); cameras write `CSeq`, `Cseq` and `cseq`.
 */

/** Header fields of one message, in the order received; names compared case-insensitively. */
export class RtspHeaders {
  private readonly list: [string, string][] = [];

  /** @param init name/value pairs, e.g. `[["CSeq", "2"], ["Accept", "application/sdp"]]` */
  constructor(init: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of init) this.add(name, value);
  }

  /** Appends a field (a name may repeat, e.g. WWW-Authenticate). */
  add(name: string, value: string): void {
    this.list.push([name, value]);
  }

  /** Replaces every field of that name with one. */
  set(name: string, value: string): void {
    this.delete(name);
    this.add(name, value);
  }

  /** Removes every field of that name. */
  delete(name: string): void {
    const n = name.toLowerCase();
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]![0].toLowerCase() === n) this.list.splice(i, 1);
  }

  /** The first value of a field, trimmed, or undefined. */
  get(name: string): string | undefined {
    const n = name.toLowerCase();
    return this.list.find(([k]) => k.toLowerCase() === n)?.[1].trim();
  }

  /** Every value of a field, trimmed, in order. */
  getAll(name: string): string[] {
    const n = name.toLowerCase();
    return this.list.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v.trim());
  }

  /** Whether the field is present. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The fields as name/value pairs, in order. */
  entries(): readonly (readonly [string, string])[] {
    return this.list;
  }
}

/** An RTSP request (§6): `METHOD URL RTSP/1.0`, header fields, optional body. */
export interface RtspRequest {
  /** OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN... (§10). */
  readonly method: string;
  /** Absolute `rtsp://` URL without credentials, or `*` (§6.1). */
  readonly url: string;
  readonly headers: RtspHeaders;
  readonly body?: Uint8Array;
}

/** An RTSP response (§7): status line, header fields, body of Content-Length bytes. */
export interface RtspResponse {
  /** Status code, 100..999 (§7.1.1). */
  readonly status: number;
  /** Reason phrase as sent, e.g. "Unauthorized"; may be empty. */
  readonly reason: string;
  readonly headers: RtspHeaders;
  /** The body (an SDP for DESCRIBE); empty when there is no Content-Length. */
  readonly body: Uint8Array;
}

/** The CSeq of a message as a number (§12.17), or undefined when absent or not a number. */
export function cseqOf(headers: RtspHeaders): number | undefined {
  const v = headers.get("CSeq");
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

/**
 * The methods a `Public` header lists (§12.28), upper-cased, e.g. OPTIONS, DESCRIBE,
 * GET_PARAMETER. Several Public fields are merged.
 */
export function publicMethods(headers: RtspHeaders): Set<string> {
  const out = new Set<string>();
  for (const v of headers.getAll("Public")) {
    for (const m of v.split(",")) if (m.trim()) out.add(m.trim().toUpperCase());
  }
  return out;
}
