/**
 * Large buffers used again once their owner knows they are free, instead of a fresh
 * allocation per use. A fresh buffer of tens of kilobytes costs page faults each time once
 * the allocator has given freed pages back to the kernel; one used again costs none. Only
 * for buffers with one owner that can tell when the bytes are no longer read (an LL-HLS
 * part or a keyframe after Redis took it: `HlsOutput`, `KeyframePublisher`).
 */

/**
 * Where a writer puts bytes it makes: called with their count, returns a buffer at least that
 * large (a pooled one, say) whose start the writer fills.
 */
export type Allocate = (bytes: number) => Uint8Array;

/**
 * `size` bytes to write into: the start of what `allocate` gives, or a new buffer without it.
 * @throws RangeError when `allocate` gives a buffer smaller than it was asked for
 */
export function bytesFor(size: number, allocate?: Allocate): Uint8Array {
  if (!allocate) return new Uint8Array(size);
  const into = allocate(size);
  if (into.byteLength < size) throw new RangeError(`allocate gave ${into.byteLength} bytes for ${size}`);
  return into.byteLength === size ? into : into.subarray(0, size);
}

/** Allocation unit of pooled buffers, bytes: sizes are rounded up to it. */
const GRAIN = 16 * 1024;

/** A few free buffers, handed out smallest-fit. */
export class BufferPool {
  private readonly free: Uint8Array[] = [];

  /** @param maxKept free buffers kept at most; a buffer given back beyond that is left to the GC */
  constructor(private readonly maxKept = 4) {}

  /** Free buffers kept now. */
  get kept(): number {
    return this.free.length;
  }

  /**
   * A buffer of at least `bytes` bytes (its contents are not cleared): a kept one when one is
   * large enough, else a new one of `bytes` rounded up to 16 KiB.
   */
  take(bytes: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.byteLength;
      if (len >= bytes && (best < 0 || len < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return new Uint8Array(Math.ceil(Math.max(bytes, 1) / GRAIN) * GRAIN);
  }

  /**
   * Gives back the buffer that `view` (a buffer from {@link take}, or a view of one) lies in.
   * The caller must not read or write it after this. When the pool is full, the smallest kept
   * buffer is dropped if this one is larger.
   */
  give(view: Uint8Array): void {
    const buf = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : new Uint8Array(view.buffer);
    if (this.free.some((b) => b.buffer === buf.buffer)) return;
    if (this.free.length < this.maxKept) {
      this.free.push(buf);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
    if (this.free[smallest]!.byteLength < buf.byteLength) this.free[smallest] = buf;
  }
}
