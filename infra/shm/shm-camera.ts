/**
 * `bun run shm-camera --clip FILE --name NAME [--fps 30] [--slots 64] [--slot-size 1048576]
 * [--camera-id 0]`: a stand-in for a local camera daemon. It demuxes an MP4 or H.264 clip
 * with one ffmpeg child to Annex B (`-c:v copy -bsf:v h264_mp4toannexb -f h264`, looped
 * with `-stream_loop -1`), groups the NAL units into access units with camserver's own
 * code, and publishes one access unit per frame into the ring /dev/shm/NAME in real time
 * at `--fps`, with CLOCK_MONOTONIC timestamps (layout: infra/shm/camserver_shm.h).
 *
 * Prints `ready: shm://NAME ...` once the first frame is in the ring. Exit paths: SIGINT
 * or SIGTERM removes the ring and stops ffmpeg; ffmpeg ending or any error does the same
 * and exits 1; SIGKILL leaves the ring (readers see it stall) while ffmpeg dies with us
 * (spawnChild's parent-death signal). The ring file is never shrunk.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, unlinkSync } from "node:fs";
import { parseArgs } from "node:util";
import { AccessUnitAssembler, type AssembledAccessUnit } from "../../src/media/access-unit-assembler.ts";
import { AnnexBSplitter, toAnnexB } from "../../src/media/annexb.ts";
import { MediaError } from "../../src/media/errors.ts";
import { NalType } from "../../src/media/nal.ts";
import { checkLayout, FLAG_KEYFRAME, ringBytes, RingWriter } from "../../src/media/shm/index.ts";
import { parseSps } from "../../src/media/sps.ts";
import { monotonicMicros } from "../../src/pipeline/source/monotonic-clock.ts";
import { SHM_DIR } from "../../src/pipeline/source/shm-mapping.ts";
import { spawnChild } from "../../src/proc/spawn-child.ts";

const { values: a } = parseArgs({
  options: {
    clip: { type: "string" },
    name: { type: "string" },
    fps: { type: "string", default: "30" },
    slots: { type: "string", default: "64" },
    "slot-size": { type: "string", default: String(1 << 20) },
    "camera-id": { type: "string", default: "0" },
  },
});
function fail(msg: string): never {
  console.error(`shm-camera: ${msg}`);
  process.exit(2);
}
if (!a.clip || !a.name) fail("usage: shm-camera --clip FILE --name NAME [--fps 30] [--slots 64] [--slot-size BYTES] [--camera-id N]");
if (!/^[A-Za-z0-9_.-]+$/.test(a.name) || /^\.+$/.test(a.name)) fail("--name: letters, digits, _ . - only");
const fps = Number(a.fps);
const slots = Number(a.slots);
const slotSize = Number(a["slot-size"]);
const cameraId = Number(a["camera-id"]);
if (!(fps > 0 && fps <= 1000)) fail("--fps must be in (0, 1000]");
try {
  checkLayout(slots, slotSize);
} catch {
  fail("--slots must be a power of two 2..65536, --slot-size a multiple of 64 of at least 128");
}
const name = a.name;
const path = `${SHM_DIR}/${name}`;

// The ring: created or grown to its size, never shrunk, then laid out (magic last).
const size = ringBytes(slots, slotSize);
const fd = openSync(path, constants.O_CREAT | constants.O_RDWR, 0o644);
if (fstatSync(fd).size < size) ftruncateSync(fd, size);
closeSync(fd);
let ring: Uint8Array;
let writer: RingWriter;
try {
  ring = Bun.mmap(path);
  writer = RingWriter.init(ring, {
    slotCount: slots,
    slotSize,
    generation: (Math.random() * 0xffff_fffe + 1) >>> 0 || 1,
    writerPid: process.pid,
    firstIndex: 0,
  });
} catch (err) {
  fail(`cannot lay out ${path}: ${(err as Error).message}`);
}

const stopping = new AbortController();
const ffmpeg = spawnChild({
  cmd: [
    "ffmpeg",
    "-nostdin",
    "-hide_banner",
    "-loglevel",
    "error",
    "-stream_loop",
    "-1",
    "-i",
    a.clip,
    "-map",
    "0:v:0",
    "-c:v",
    "copy",
    "-bsf:v",
    "h264_mp4toannexb",
    "-f",
    "h264",
    "pipe:1",
  ],
  label: `shm-camera ${name} ffmpeg`,
  stdout: "pipe",
  signal: stopping.signal,
});

let cleaned = false;
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  stopping.abort();
  await ffmpeg.stop("shm-camera exit");
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => void cleanUp().then(() => process.exit(0)));
}

/** Access units, pulled from ffmpeg's Annex B output as they are needed (bounded by the pipe). */
async function* accessUnits(): AsyncGenerator<AssembledAccessUnit> {
  const reader = ffmpeg.stdout!.getReader();
  const splitter = new AnnexBSplitter();
  const assembler = new AccessUnitAssembler();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const nalu of splitter.push(value)) {
      const au = assembler.push(nalu);
      if (au) yield au;
    }
  }
  throw new Error(`ffmpeg ended: ${(await ffmpeg.exited).stderrTail.trim().split("\n").at(-1) ?? "no message"}`);
}

async function main(): Promise<void> {
  const periodMs = 1000 / fps;
  let t0: number | undefined;
  let frame = 0;
  let width = 0;
  let height = 0;
  let waitKeyframe = false;
  let ready = false;
  for await (const au of accessUnits()) {
    if (stopping.signal.aborted) return;
    // Real time from the first access unit on; after a hold-up of more than a second
    // (ffmpeg or the machine stalled) the clock restarts instead of sending a burst.
    const now = performance.now();
    if (t0 === undefined || t0 + frame * periodMs < now - 1000) t0 = now - frame * periodMs;
    const wait = t0 + frame * periodMs - now;
    if (wait > 0) await Bun.sleep(wait);
    const sps = au.nalus.find((n) => (n[0]! & 0x1f) === NalType.SPS);
    if (sps) {
      try {
        ({ width, height } = parseSps(sps));
      } catch (err) {
        if (!(err instanceof MediaError)) throw err;
      }
    }
    const data = toAnnexB(au.nalus);
    if (au.isKeyframe) waitKeyframe = false;
    if (data.byteLength > writer.capacity) {
      console.error(`shm-camera: frame ${frame} has ${data.byteLength} bytes, a slot holds ${writer.capacity}: dropped up to the next keyframe`);
      waitKeyframe = true;
    }
    if (!waitKeyframe) {
      writer.write({ data, timestampUs: monotonicMicros(), frameNumber: frame, cameraId, width, height, flags: au.isKeyframe ? FLAG_KEYFRAME : 0 });
      if (!ready) console.log(`ready: shm://${name} (${slots} slots of ${slotSize} bytes, ${fps} fps, pid ${process.pid})`);
      ready = true;
    }
    frame++;
  }
}

main().then(
  () => undefined,
  async (err) => {
    if (stopping.signal.aborted) return; // a signal is stopping us
    console.error(`shm-camera: ${(err as Error).message}`);
    await cleanUp();
    process.exit(1);
  },
);
