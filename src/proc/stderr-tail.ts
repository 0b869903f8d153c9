/**
 * A bounded, redacted tail of a child's stderr. Text is redacted a whole line at a
 * time (a credential split across two reads is still one line), then only the last
 * `maxBytes` bytes are kept. ffmpeg's `\r` progress lines count as lines.
 */

/** Turns raw stderr text into text that may be logged (drops credentials). */
export type Redact = (text: string) => string;

/** Keeps the last bytes of a child's stderr, line by line, redacted. */
export class StderrTail {
  #lines: string[] = [];
  #bytes = 0;
  #partial = "";
  readonly #decoder = new TextDecoder();

  /**
   * @param maxBytes bytes of redacted text kept, at most (UTF-8)
   * @param redact applied to every line before it is kept
   */
  constructor(
    readonly maxBytes: number,
    readonly redact: Redact,
  ) {}

  /** Adds a chunk of raw stderr bytes. */
  push(chunk: Uint8Array): void {
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    const parts = text.split(/\r\n|\r|\n/);
    this.#partial = parts.pop() ?? "";
    for (const line of parts) this.#keep(line);
    // A line without end (a stuck progress line) must not grow without bound either.
    if (byteLength(this.#partial) > this.maxBytes) {
      this.#keep(this.#partial);
      this.#partial = "";
    }
  }

  /** The kept tail, the unfinished last line included, at most `maxBytes` bytes. */
  text(): string {
    const partial = this.#partial === "" ? "" : this.redact(this.#partial);
    return lastBytes(this.#lines.join("") + partial, this.maxBytes);
  }

  #keep(line: string): void {
    const kept = `${this.redact(line)}\n`;
    this.#lines.push(kept);
    this.#bytes += byteLength(kept);
    while (this.#bytes > this.maxBytes && this.#lines.length > 1) {
      this.#bytes -= byteLength(this.#lines.shift()!);
    }
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The last `n` bytes of `text`'s UTF-8 encoding, cut at a character boundary. */
function lastBytes(text: string, n: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= n) return text;
  let start = bytes.length - n;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return new TextDecoder().decode(bytes.subarray(start));
}
