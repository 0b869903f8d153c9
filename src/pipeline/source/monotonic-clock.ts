/**
 * CLOCK_MONOTONIC in microseconds, the clock of shm ring timestamps
 * (infra/shm/camserver_shm.h): the same instant reads the same in every process of the
 * host, unlike `performance.now()` and `process.hrtime()`, which Bun counts from its own
 * start. Read with clock_gettime(2) through bun:ffi, about 70 ns a call.
 */
import { dlopen, FFIType } from "bun:ffi";

const CLOCK_MONOTONIC = 1;
let clock: ((id: number, ts: Uint8Array) => number) | undefined;
const timespec = new Uint8Array(16);
const view = new DataView(timespec.buffer);

/** Microseconds of CLOCK_MONOTONIC (time since boot, not counting suspend), as a float. */
export function monotonicMicros(): number {
  clock ??= dlopen("libc.so.6", { clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 } }).symbols.clock_gettime;
  clock(CLOCK_MONOTONIC, timespec);
  return Number(view.getBigInt64(0, true)) * 1e6 + Number(view.getBigInt64(8, true)) / 1e3;
}
