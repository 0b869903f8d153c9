/**
 * A camera daemon written in C against infra/shm/camserver_shm.h (fixtures/shm-writer.c,
 * compiled here with gcc): the header lays out the same bytes as the TypeScript writer,
 * its access units reach ShmSource byte for byte, a writer overwriting a tiny ring as fast
 * as it can never gets a torn frame through, and a whole camserver serves a snapshot, an HLS
 * session and recordings (fMP4 and .h264, started mid-GOP) of the shm camera.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { rmSync } from "node:fs";
import type { AssembledAccessUnit } from "../../src/media/access-unit-assembler.ts";
import { readRingHeader, RingCursor, ringBytes, RingWriter } from "../../src/media/shm/index.ts";
import { mapRing } from "../../src/pipeline/source/shm-mapping.ts";
import { SourceLostError } from "../../src/pipeline/source/source.ts";
import { startBackground, stopAll, type Background } from "../support/background.ts";
import { writeFileSync } from "node:fs";
import { readInitSegment } from "../../src/media/fmp4/init-reader.ts";
import { eventually, startCamserver, tempDir, TEST_REDIS_URL, TEST_TOKEN, testPrefix, type CamserverProcess } from "../support/camserver.ts";
import { annexBKeyframes, decodeErrors, probeFrames } from "../support/recording-probe.ts";
import { accessUnitsOf, compileCWriter, quantile, removeRings, ringName, runShmSession, writeFramesFile } from "./fixtures/shm-writers.ts";
import { fixture } from "../unit/media/fixtures.ts";
import { type NalUnit, nalBytes } from "../../src/media/nal-unit.ts";

let writer = { binary: "", dir: "" };
let framesFile = "";
let fixtureAus: AssembledAccessUnit[] = [];

beforeAll(async () => {
  writer = compileCWriter();
  fixtureAus = accessUnitsOf(fixture("clip320.h264"));
  framesFile = `${writer.dir}/clip320.frames`;
  await writeFramesFile(framesFile, fixtureAus);
});
afterAll(async () => {
  await stopAll();
  removeRings();
  rmSync(writer.dir, { recursive: true, force: true });
});

async function startStream(name: string, fps = 30): Promise<Background> {
  const bg = startBackground([writer.binary, "stream", name, framesFile, String(fps), "0"]);
  await bg.waitFor(/ready/);
  return bg;
}

const sameNalus = (a: readonly NalUnit[], b: readonly NalUnit[]) =>
  a.length === b.length && a.every((n, i) => Buffer.from(nalBytes(n)).equals(Buffer.from(nalBytes(b[i]!))));

describe("a C camera daemon on camserver_shm.h", () => {
  it("lays out the same bytes as the TypeScript writer", async () => {
    const name = ringName("c-layout");
    const r = Bun.spawnSync([writer.binary, "layout", name]);
    expect(r.exitCode).toBe(0);
    const fromC = new Uint8Array(await Bun.file(`/dev/shm/${name}`).arrayBuffer());
    const fromTs = new Uint8Array(ringBytes(4, 128));
    RingWriter.init(fromTs, { slotCount: 4, slotSize: 128, generation: 7, writerPid: 0x1234 }).write({
      data: Uint8Array.of(0, 0, 0, 1, 0x65, 0x88, 0x84, 0),
      timestampUs: 1_000_000_123,
      frameNumber: 42,
      cameraId: 5,
      width: 320,
      height: 240,
      flags: 1,
    });
    expect(Buffer.from(fromC).equals(Buffer.from(fromTs))).toBe(true);
  });

  it("streams the fixture's access units through ShmSource byte for byte, keyframes with SPS/PPS", async () => {
    const name = ringName("c-stream");
    const cam = await startStream(name);
    const run = await runShmSession(name, { stopAfterAus: 90, stopAfterMs: 10_000 });
    await cam.stop();
    expect(run.end).toBeInstanceOf(SourceLostError);
    expect(run.aus.length).toBe(90);
    // The loop of 10 access units, entered at a keyframe (frame 0 or 5 of the clip).
    const first = fixtureAus.findIndex((au) => sameNalus(au.nalus, run.aus[0]!.nalus));
    expect([0, 5]).toContain(first);
    run.aus.forEach((au, i) => {
      const want = fixtureAus[(first + i) % fixtureAus.length]!;
      expect(sameNalus(au.nalus, want.nalus)).toBe(true);
      expect(au.isKeyframe).toBe(want.isKeyframe);
    });
    expect(run.parameterSets.length).toBe(1);
    const live = run.latencyUs.slice(20);
    console.log(
      `C writer -> onAccessUnit latency p50 ${(quantile(live, 0.5) / 1000).toFixed(2)} ms, p99 ${(quantile(live, 0.99) / 1000).toFixed(2)} ms (poll 4 ms)`,
    );
    expect(quantile(live, 0.5)).toBeLessThan(8000);
  }, 30_000);

  it("never hands on a torn frame while the writer overwrites a 4-slot ring as fast as it can", async () => {
    const name = ringName("c-torture");
    const cam = startBackground([writer.binary, "torture", name, "20000000"]);
    await cam.waitFor(/ready/);
    const m = mapRing(name, 64);
    if (!("bytes" in m)) throw new Error(`cannot map: ${m.kind}`);
    let accepted = 0;
    let torn = 0;
    let behind = 0;
    let bad = 0;
    try {
      const cursor = new RingCursor(readRingHeader(m.bytes));
      cursor.start(m.bytes);
      // Until 2000 frames came through intact, or 5 s (a busy machine lets fewer through).
      const until = performance.now() + 5000;
      while (performance.now() < until && accepted < 2000) {
        const b = cursor.poll(m.bytes);
        torn += b.skippedTorn;
        behind += b.skippedBehind;
        for (const f of b.frames) {
          accepted++;
          const n = f.frameNumber;
          const d = f.data;
          const ok =
            d.byteLength === 100 + ((n * 37) % 3900) &&
            new DataView(d.buffer, d.byteOffset).getUint32(0, true) === n >>> 0 &&
            d.subarray(4).every((x) => x === (n & 0xff));
          if (!ok) bad++;
        }
      }
    } finally {
      m.close();
      await cam.stop();
    }
    console.log(`torture: ${accepted} frames intact, ${torn} torn and skipped, ${behind} overwritten before read, ${bad} inconsistent`);
    expect(bad).toBe(0);
    expect(accepted).toBeGreaterThan(20);
    expect(torn + behind).toBeGreaterThan(0);
  }, 30_000);

  it("serves a snapshot, an HLS session and playable recordings of an shm camera through a whole camserver", async () => {
    const name = ringName("c-server");
    const cam = await startStream(name);
    const server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("shm"), DATA_DIR: tempDir("shm") });
    const created = await server.call("POST", "/v1/cameras", { id: "board-cam", name: "Board camera", source_url: `shm://${name}` });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ source_engine: "auto", worker_tag: null });
    const snap = await fetch(`${server.base}/v1/cameras/board-cam/snapshot`, { headers: { authorization: "Bearer test-token-0123456789" } });
    expect(snap.status).toBe(200);
    expect(snap.headers.get("content-type")).toBe("image/jpeg");
    const jpeg = new Uint8Array(await snap.arrayBuffer());
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    const started = await server.call("POST", "/v1/streams/start", { camera_id: "board-cam" });
    expect(started.status).toBe(200);
    const playlist = await fetch(`${server.base}${started.json.hls_url}`).then((r) => r.text());
    expect(playlist).toContain("#EXTM3U");
    const state = await server.call("GET", "/v1/cameras/board-cam");
    expect(state.json).toMatchObject({ state: "live" });
    await recordsPlayableFiles(server, "board-cam");
    await server.stop();
    await cam.stop();
  }, 120_000);
});

/** Records 10 s in fMP4 and 4 s in .h264 from mid-GOP and checks each file with ffprobe. */
async function recordsPlayableFiles(server: CamserverProcess, cameraId: string): Promise<void> {
  const dir = tempDir("shm-rec");
  for (const [format, seconds] of [
    ["fmp4", 10],
    ["h264", 4],
  ] as const) {
    await Bun.sleep(200 + Math.random() * 600); // somewhere inside the camera's GOP
    const r = await server.call("POST", "/v1/recordings", { camera_id: cameraId, max_duration_s: seconds, format });
    expect(r.status).toBe(201);
    let done: any;
    expect(await eventually(async () => (done = (await server.call("GET", `/v1/recordings/${r.json.id}`)).json).state !== "recording", 30_000)).toBe(true);
    expect(done).toMatchObject({ state: "done", error: null });
    const res = await fetch(`${server.base}/v1/recordings/${r.json.id}/file`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const file = `${dir}/shm.${format === "fmp4" ? "mp4" : "h264"}`;
    writeFileSync(file, bytes);
    expect(decodeErrors(file, format === "h264" ? "h264" : undefined)).toBe("");
    const frames = probeFrames(file, format === "h264" ? "h264" : undefined);
    expect(frames.length).toBe(done.frames);
    expect(frames[0]!.keyFrame).toBe(true);
    if (format === "fmp4") {
      const init = readInitSegment(bytes);
      expect(init.avcConfig.sps.length).toBe(1);
      expect(init.avcConfig.pps.length).toBe(1);
    } else {
      const k = annexBKeyframes(bytes);
      expect(k.firstVcl).toBe(5);
      expect(k.missingAt).toBe(-1);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
