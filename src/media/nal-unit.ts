/**
 * A NAL unit as the pipeline carries it: its bytes in one buffer, or the pieces it arrived
 * in. A slice sent in fragmentation units (RFC 6184 §5.8, FU-A) arrives as one piece per
 * RTP packet; joining them would copy every byte of the picture into fresh memory, only for
 * the fMP4 writer to copy it again into a part. Kept as pieces (views of the received
 * packets), the bytes are copied once, where they go: into a fragment, an Annex-B buffer,
 * or, for the consumers that need one buffer (RTP packetizing), joined once on demand.
 */

/** A NAL unit in pieces: the header byte's piece first, then the rest in order. */
export class NalPieces {
  private joined: Uint8Array | undefined;

  /**
   * @param pieces views, in order; the first holds the NAL unit header byte (ITU-T H.264
   *   §7.3.1). They must not change afterwards.
   * @param byteLength the pieces' total size in bytes
   */
  constructor(
    readonly pieces: readonly Uint8Array[],
    readonly byteLength: number,
  ) {}

  /** The NAL unit header byte. */
  get header(): number {
    return this.pieces[0]![0]!;
  }

  /** The pieces joined into one buffer, made on the first call and kept. */
  bytes(): Uint8Array {
    if (this.joined) return this.joined;
    // Every byte is written below: no zero fill first.
    const out = new Uint8Array(Buffer.allocUnsafeSlow(this.byteLength).buffer, 0, this.byteLength);
    let o = 0;
    for (const p of this.pieces) {
      out.set(p, o);
      o += p.byteLength;
    }
    this.joined = out;
    return out;
  }
}

/** A NAL unit without start code or length prefix: one buffer, or {@link NalPieces}. */
export type NalUnit = Uint8Array | NalPieces;

/** The NAL unit's bytes in one buffer: itself, or its pieces joined (once). */
export function nalBytes(n: NalUnit): Uint8Array {
  return n instanceof Uint8Array ? n : n.bytes();
}

/** The NAL unit header byte (§7.3.1), or undefined for an empty NAL unit. */
export function nalHeaderByte(n: NalUnit): number | undefined {
  return n instanceof Uint8Array ? n[0] : n.header;
}

/**
 * Copies a NAL unit's bytes into `into` at `at`.
 * @returns the offset just after them
 * @throws RangeError when they do not fit
 */
export function writeNal(n: NalUnit, into: Uint8Array, at: number): number {
  if (n instanceof Uint8Array) {
    into.set(n, at);
    return at + n.byteLength;
  }
  for (const p of n.pieces) {
    into.set(p, at);
    at += p.byteLength;
  }
  return at;
}
