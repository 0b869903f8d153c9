/**
 * The byte stream of an RTSP connection from the server side, parsed incrementally: responses
 * (RFC 2326 §7: status line, header fields, a body of Content-Length bytes), requests the
 * server sends the client (§6, e.g. an OPTIONS ping), and interleaved binary frames (§10.12:
 * `$`, a one-byte channel, a 16-bit big-endian length, that many bytes of RTP or RTCP).
 *
 * Bytes between messages that cannot start one (stray CR/LF or NULs some cameras send after a
 * body) are skipped, as gortsplib's reader does, up to a bound. Every structure has a limit,
 * so a broken or hostile camera cannot make the parser buffer without end; past a limit the
 * parser throws and the session ends.
 */

import { InvalidFieldError, TooLargeError } from "../errors.ts";
import { BadStatusLineError, MalformedHeaderError } from "./rtsp-errors.ts";
import { RtspHeaders, type RtspRequest, type RtspResponse } from "./rtsp-message.ts";

/** One thing read from the connection. */
export type RtspItem =
  | { readonly kind: "response"; readonly response: RtspResponse }
  | { readonly kind: "request"; readonly request: RtspRequest }
  | { readonly kind: "frame"; readonly channel: number; readonly payload: Uint8Array };

/** Limits of {@link RtspStreamParser}, in bytes. */
export interface RtspStreamParserOptions {
  /** Start line, header fields and the empty line after them. @defaultValue 8192 */
  readonly maxHeaderBytes?: number;
  /** Largest Content-Length accepted (an SDP is a few KiB). @defaultValue 65536 */
  readonly maxBodyBytes?: number;
  /**
   * Largest interleaved frame payload. The 16-bit length field caps a frame at 65535 bytes,
   * so the default only bites when set lower. @defaultValue 262144
   */
  readonly maxFrameBytes?: number;
  /** Bytes skipped between messages (not `$`, not a letter) before giving up. @defaultValue 8192 */
  readonly maxJunkBytes?: number;
}

const DOLLAR = 0x24;
const STATUS_LINE = /^RTSP\/(\d)\.(\d) +(\d{3})(?: (.*))?$/;
const REQUEST_LINE = /^([A-Za-z_]+) +(\S+) +RTSP\/\d\.\d$/;

/** The bytes as ISO-8859-1 text: RTSP start lines and header fields are ASCII (RFC 2326 §15). */
function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function positive(name: string, v: number | undefined, def: number): number {
  const n = v ?? def;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidFieldError("RtspStreamParserOptions", name, n);
  return n;
}

/** Splits an RTSP connection's incoming bytes into responses, requests and interleaved frames. */
export class RtspStreamParser {
  private readonly maxHeader: number;
  private readonly maxBody: number;
  private readonly maxFrame: number;
  private readonly maxJunk: number;
  private buf: Uint8Array = new Uint8Array(16 * 1024);
  /** `buf` is the caller's chunk, read where it is (see {@link push}). */
  private direct = false;
  private r = 0;
  private w = 0;
  /** Where the search for the end of the header section resumes (absolute index into buf). */
  private scan = 0;
  private firstLineChecked = false;
  private junk = 0;
  /** A message whose header section is read and whose body is awaited. */
  private pending: { head: RtspResponse | RtspRequest; isResponse: boolean; length: number } | undefined;

  /** @throws InvalidFieldError for a limit that is not a positive integer */
  constructor(options: RtspStreamParserOptions = {}) {
    this.maxHeader = positive("maxHeaderBytes", options.maxHeaderBytes, 8192);
    this.maxBody = positive("maxBodyBytes", options.maxBodyBytes, 65536);
    this.maxFrame = positive("maxFrameBytes", options.maxFrameBytes, 262144);
    this.maxJunk = positive("maxJunkBytes", options.maxJunkBytes, 8192);
  }

  /** Bytes received and not yet returned as an item. */
  get buffered(): number {
    return this.w - this.r;
  }

  /**
   * Takes the next bytes of the connection, in any chunking.
   * @param chunk taken over by the parser: the caller must not modify it afterwards (an
   *   interleaved frame that lies whole inside it is handed on as a view of it, without a copy)
   * @returns the items completed by these bytes, in order; a frame's payload is a view of
   *   `chunk` or a fresh copy, a body always a fresh copy
   * @throws BadStatusLineError for a first line that is neither a status line nor a request line,
   *   or more than `maxJunkBytes` of bytes that cannot start a message
   * @throws TooLargeError for a header section, a Content-Length or a frame over its limit
   * @throws MalformedHeaderError for a Content-Length that is not a decimal number
   * After a throw the connection is out of step: drop the parser with the connection.
   */
  push(chunk: Uint8Array): RtspItem[] {
    const out: RtspItem[] = [];
    if (this.r < this.w || chunk.length === 0) {
      this.append(chunk);
      this.drain(out);
      if (this.r === this.w) this.r = this.w = this.scan = 0;
      return out;
    }
    // Nothing buffered: read the chunk where it is and keep only what is left of it (most
    // chunks end on a frame boundary, so the common case copies each byte once, into its item).
    const own = this.buf;
    this.buf = chunk;
    this.direct = true;
    this.r = this.scan = 0;
    this.w = chunk.length;
    try {
      this.drain(out);
    } finally {
      this.direct = false;
      const rest = chunk.subarray(this.r, this.w);
      const scan = Math.max(0, this.scan - this.r);
      this.buf = own;
      this.r = this.w = 0;
      this.append(rest);
      this.scan = scan;
    }
    return out;
  }

  private drain(out: RtspItem[]): void {
    for (;;) {
      const item = this.next();
      if (item === undefined) break;
      out.push(item);
    }
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.w + chunk.length > this.buf.length) {
      const live = this.w - this.r;
      const target = this.r > 0 && live + chunk.length <= this.buf.length ? this.buf : new Uint8Array(Math.max(this.buf.length * 2, live + chunk.length));
      if (target === this.buf) this.buf.copyWithin(0, this.r, this.w);
      else target.set(this.buf.subarray(this.r, this.w));
      this.scan -= this.r;
      this.w = live;
      this.r = 0;
      this.buf = target;
    }
    this.buf.set(chunk, this.w);
    this.w += chunk.length;
  }

  private next(): RtspItem | undefined {
    if (this.pending) return this.body();
    while (this.r < this.w) {
      const b = this.buf[this.r]!;
      if (b === DOLLAR) return this.frame();
      if (isLetter(b)) return this.header();
      this.r++;
      this.scan = this.r;
      if (++this.junk > this.maxJunk) throw new BadStatusLineError(`${this.junk} bytes that start no RTSP message`);
    }
    return undefined;
  }

  private frame(): RtspItem | undefined {
    if (this.w - this.r < 4) return undefined;
    const channel = this.buf[this.r + 1]!;
    const length = (this.buf[this.r + 2]! << 8) | this.buf[this.r + 3]!;
    if (length > this.maxFrame) throw new TooLargeError("RTSP interleaved frame", length, this.maxFrame);
    if (this.w - this.r < 4 + length) return undefined;
    // A frame read straight from the caller's chunk stays a view of it (the chunk is ours and
    // never reused: one copy fewer per RTP packet); one from our own buffer is copied out,
    // since that buffer is reused.
    const payload = this.direct ? this.buf.subarray(this.r + 4, this.r + 4 + length) : this.buf.slice(this.r + 4, this.r + 4 + length);
    this.consumed(4 + length);
    return { kind: "frame", channel, payload };
  }

  private header(): RtspItem | undefined {
    const end = this.findHeaderEnd();
    if (end < 0) {
      if (this.w - this.r > this.maxHeader) throw new TooLargeError("RTSP header section", this.w - this.r, this.maxHeader);
      return undefined;
    }
    if (end - this.r > this.maxHeader) throw new TooLargeError("RTSP header section", end - this.r, this.maxHeader);
    const lines = latin1(this.buf.subarray(this.r, end)).split(/\r?\n/);
    const fields: [string, string][] = [];
    for (const line of lines.slice(1)) {
      if (line.trim() === "") continue;
      const last = fields.at(-1);
      if ((line[0] === " " || line[0] === "\t") && last) {
        last[1] += ` ${line.trim()}`; // a folded continuation line (RFC 2326 §4.2, RFC 2616 §2.2)
        continue;
      }
      const colon = line.indexOf(":");
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const headers = new RtspHeaders(fields);
    const first = lines[0]!.trimEnd();
    const status = STATUS_LINE.exec(first);
    const request = status ? null : REQUEST_LINE.exec(first);
    if (!status && !request) throw new BadStatusLineError(first);
    const cl = headers.get("Content-Length");
    if (cl !== undefined && !/^\d{1,15}$/.test(cl)) throw new MalformedHeaderError("Content-Length", cl);
    const length = cl === undefined ? 0 : Number(cl);
    if (length > this.maxBody) throw new TooLargeError("RTSP body", length, this.maxBody);
    this.consumed(end - this.r);
    this.pending = status
      ? { head: { status: Number(status[3]), reason: (status[4] ?? "").trim(), headers, body: new Uint8Array(0) }, isResponse: true, length }
      : { head: { method: request![1]!.toUpperCase(), url: request![2]!, headers }, isResponse: false, length };
    return this.body();
  }

  /** Index just past the empty line ending the header section, or -1; checks the first line early. */
  private findHeaderEnd(): number {
    const b = this.buf;
    for (let i = Math.max(this.scan, this.r); i < this.w; i++) {
      if (b[i] !== 0x0a) continue;
      if (!this.firstLineChecked) {
        this.firstLineChecked = true;
        const line = latin1(b.subarray(this.r, i)).trimEnd();
        if (!STATUS_LINE.test(line) && !REQUEST_LINE.test(line)) throw new BadStatusLineError(line);
      }
      if (i > this.r && b[i - 1] === 0x0a) return i + 1;
      if (i > this.r + 1 && b[i - 1] === 0x0d && b[i - 2] === 0x0a) return i + 1;
    }
    this.scan = this.w;
    return -1;
  }

  private body(): RtspItem | undefined {
    const p = this.pending!;
    if (this.w - this.r < p.length) return undefined;
    const body = this.buf.slice(this.r, this.r + p.length);
    this.consumed(p.length);
    this.pending = undefined;
    if (p.isResponse) return { kind: "response", response: { ...(p.head as RtspResponse), body } };
    return { kind: "request", request: { ...(p.head as RtspRequest), body } };
  }

  private consumed(n: number): void {
    this.r += n;
    this.scan = this.r;
    this.junk = 0;
    this.firstLineChecked = false;
  }
}
