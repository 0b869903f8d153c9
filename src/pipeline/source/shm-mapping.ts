/**
 * A read-only mapping of a camera daemon's ring, /dev/shm/NAME (PROT_READ, MAP_SHARED,
 * through bun:ffi: `Bun.mmap` opens files read-write and maps them writable). Read-only
 * means camserver needs no write permission on the ring and cannot corrupt it. It also
 * means no Atomics on it: JSC compiles Atomics.load to a locked read-modify-write, which
 * faults on a PROT_READ page (measured on Bun 1.4.5, x86-64); src/media/shm reads with
 * plain loads for that reason.
 *
 * The file size is read (fstat on the opened descriptor) before mapping, and an empty or
 * short file is refused, not mapped (mapping an empty file fails with EINVAL). A writer
 * that SHRINKS a mapped file kills the reading process with SIGBUS on its next access past
 * the new end; the write protocol forbids it (infra/shm/camserver_shm.h) and
 * {@link RingMapping.stillValid} checks the size, which narrows but cannot close that window.
 */
import { dlopen, FFIType, type Pointer, toArrayBuffer } from "bun:ffi";
import { closeSync, fstatSync, openSync, statSync } from "node:fs";

const PROT_READ = 1;
const MAP_SHARED = 1;
const MAP_FAILED = 2 ** 64 - 1;

let libc: ReturnType<typeof openLibc> | undefined;
function openLibc() {
  return dlopen("libc.so.6", {
    mmap: { args: [FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.i32, FFIType.i32, FFIType.i64], returns: FFIType.ptr },
    munmap: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
  }).symbols;
}

/** The directory of POSIX shared memory objects on Linux. */
export const SHM_DIR = "/dev/shm";

/** Why a ring could not be mapped. */
export type MapFailure =
  | { readonly kind: "missing" }
  | { readonly kind: "too-small"; readonly size: number }
  | { readonly kind: "error"; readonly code: string };

/** A mapped ring file. */
export interface RingMapping {
  /** The whole file as mapped: read it, never keep views of it past {@link close}. */
  readonly bytes: Uint8Array;
  /** Bytes mapped (the file size at open). */
  readonly size: number;
  /**
   * False when /dev/shm/NAME is now another file (the writer created the ring anew), is
   * gone, or is smaller than the mapping. One stat(2), about 2 us.
   */
  stillValid(): boolean;
  /** Whether the name now points at a file other than the mapped one (recreated). */
  replaced(): boolean;
  /** Unmaps. Every view of `bytes` is invalid afterwards. Idempotent. */
  close(): void;
}

/**
 * Maps /dev/shm/NAME read-only.
 * @param name a ring name as validated in src/cameras/source-url.ts (no slashes)
 * @param minBytes refuse files smaller than this (the ring header)
 * @returns the mapping, or why not: the file does not exist, is smaller than `minBytes`,
 *   or open/mmap failed (errno code, e.g. "EACCES")
 */
export function mapRing(name: string, minBytes: number): RingMapping | MapFailure {
  const path = `${SHM_DIR}/${name}`;
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EIO";
    return code === "ENOENT" ? { kind: "missing" } : { kind: "error", code };
  }
  let ptr: Pointer | bigint | null;
  let st;
  try {
    st = fstatSync(fd);
    if (st.size < Math.max(1, minBytes)) return { kind: "too-small", size: st.size };
    libc ??= openLibc();
    ptr = libc.mmap(null, st.size, PROT_READ, MAP_SHARED, fd, 0);
  } finally {
    closeSync(fd); // the mapping keeps the file
  }
  // bun:ffi gives MAP_FAILED, (void *)-1, as a bigint: it is no safe integer.
  if (ptr === null || typeof ptr === "bigint" || Number(ptr) === MAP_FAILED) return { kind: "error", code: "mmap failed" };
  const size = st.size;
  const { ino, dev } = st;
  const bytes = new Uint8Array(toArrayBuffer(ptr, 0, size));
  let mapped: Pointer | null = ptr;
  const current = () => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  };
  return {
    bytes,
    size,
    stillValid() {
      const now = current();
      return now !== undefined && now.ino === ino && now.dev === dev && now.size >= size;
    },
    replaced() {
      const now = current();
      return now !== undefined && (now.ino !== ino || now.dev !== dev);
    },
    close() {
      if (mapped === null) return;
      libc!.munmap(mapped, size);
      mapped = null;
    },
  };
}
