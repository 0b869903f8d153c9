/**
 * A ring buffer whose next copy (`slice`, the reader's one copy of a slot) first runs a
 * callback: a writer racing the reader, made deterministic.
 */
export class RacingRing extends Uint8Array<ArrayBuffer> {
  /** Runs once, at the start of the next `slice`. */
  during: (() => void) | undefined;

  constructor(length: number) {
    super(new ArrayBuffer(length));
  }

  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    const f = this.during;
    this.during = undefined;
    f?.();
    return new Uint8Array(this.buffer, this.byteOffset, this.byteLength).slice(start, end);
  }
}
