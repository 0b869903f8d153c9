/**
 * The HLS output end to end below the API: a real Pipeline fed access units of a real encode
 * (clip-stream.ts), the output writing to a real Redis. The playlist names only files that are
 * stored, the files are the segmenter's bytes, segments retire after they slide out, a source
 * restart gives a discontinuity and a new init segment, and stop leaves nothing behind.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { readFragments, readInitSegment } from "../../../../src/media/fmp4/index.ts";
import { HlsOutput, type HlsOutputOptions } from "../../../../src/pipeline/hls/hls-output.ts";
import { Pipeline } from "../../../../src/pipeline/pipeline.ts";
import { decodeEdge } from "../../../../src/state/hls-edge.ts";
import { HlsSegmentStore, playlistSegmentCount } from "../../../../src/state/hls-segment-store.ts";
import { cameraId, testRedis } from "../../state/redis-test-utils.ts";
import { idrWithOtherSps, liveStream } from "./clip-stream.ts";

const { redis, keys, cleanup } = testRedis();
const store = new HlsSegmentStore(redis, keys);
afterAll(cleanup);

const T0 = Date.UTC(2025, 4, 6, 7, 8, 9);

/** A pipeline with an HLS output attached, a clock that follows the pushed timestamps. */
async function setUp(opts: HlsOutputOptions = {}) {
  const cam = cameraId();
  const pipeline = new Pipeline();
  let clock = T0;
  const output = new HlsOutput(pipeline, cam, store, { now: () => clock, ...opts });
  await output.start();
  const push = async (frames: ReturnType<typeof liveStream>) => {
    for (const au of frames) {
      clock = T0 + Math.round(au.dts / 90);
      pipeline.push(au);
    }
    await output.flushed();
  };
  return { cam, pipeline, output, push };
}

/** URIs a playlist names (segments, parts, init segments, the preload hint). */
function uris(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /URI="([^"]+)"/.exec(line);
    if (m) out.push(m[1]!);
    else if (line && !line.startsWith("#")) out.push(line);
  }
  return out;
}

async function storedNames(cam: string): Promise<string[]> {
  const found = await redis.keys(`${keys.hlsSegment(cam, "")}*`);
  return found.map((k) => k.slice(keys.hlsSegment(cam, "").length)).sort();
}

describe("HlsOutput", () => {
  it("publishes no playlist before the first segment is complete", async () => {
    const { cam, output, push } = await setUp();
    await push(liveStream({ gop: 30, fps: 30, frames: 25 }));
    expect(await store.playlist(cam)).toBeNull();
    await output.stop();
  });

  it("stores every file the playlist names except the hinted part, with the segmenter's bytes", async () => {
    const { cam, output, push } = await setUp();
    await push(liveStream({ gop: 30, fps: 30, frames: 100 }));
    const text = (await store.playlist(cam))!;
    expect(playlistSegmentCount(text)).toBe(3);
    const names = uris(text);
    const hint = names.at(-1)!;
    expect(hint).toBe(`${output.run}_3.1.m4s`);
    for (const name of names.slice(0, -1)) expect(await store.segment(cam, name)).not.toBeNull();
    expect(await store.segment(cam, hint)).toBeNull();
    const init = readInitSegment(new Uint8Array((await store.segment(cam, `${output.run}_init0.mp4`))!));
    expect(init).toMatchObject({ width: 320, height: 240, timescale: 90000 });
    // A segment is its five parts, each one moof+mdat of six pictures, the first an IDR.
    const seg = new Uint8Array((await store.segment(cam, `${output.run}_1.m4s`))!);
    const frags = readFragments(seg);
    expect(frags.map((f) => f.tracks[0]!.samples.length)).toEqual([6, 6, 6, 6, 6]);
    expect(frags[0]!.tracks[0]!.samples[0]!.isSync).toBe(true);
    const part0 = new Uint8Array((await store.segment(cam, `${output.run}_1.0.m4s`))!);
    expect(Buffer.from(seg.subarray(0, part0.length)).equals(Buffer.from(part0))).toBe(true);
    expect(decodeEdge(await redis.hget(keys.hlsPlaylist(cam), "edge"))).toEqual({
      run: output.run,
      firstMsn: 0,
      msn: 3,
      parts: 1,
      lastParts: 5,
      targetSec: 1,
      partTargetSec: 0.2,
    });
    await output.stop();
  });

  it("stamps each segment with the wall clock of its first access unit", async () => {
    const { cam, output, push } = await setUp();
    await push(liveStream({ gop: 30, fps: 30, frames: 67 }));
    const text = (await store.playlist(cam))!;
    const dates = text
      .split("\n")
      .filter((l) => l.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))
      .map((l) => Date.parse(l.slice(25)) - T0);
    expect(dates).toEqual([0, 1000, 2000]);
    await output.stop();
  });

  it("retires segments a few segments after they slide out, with their parts", async () => {
    const { cam, output, push } = await setUp({ windowSize: 3, retiredKept: 2 });
    await push(liveStream({ gop: 30, fps: 30, frames: 8 * 30 + 1 }));
    const text = (await store.playlist(cam))!;
    expect(text).toContain("#EXT-X-MEDIA-SEQUENCE:5\n");
    const names = await storedNames(cam);
    // Segments 0..2 are gone with their parts; 3 and 4 are kept for late players; 5..7 are listed.
    for (const msn of [0, 1, 2]) expect(names.filter((n) => n.startsWith(`${output.run}_${msn}.`))).toEqual([]);
    for (const msn of [3, 4, 5, 6, 7]) expect(names).toContain(`${output.run}_${msn}.m4s`);
    expect(names).toContain(`${output.run}_init0.mp4`);
    await output.stop();
  });

  it("after a source restart lists a discontinuity and a new init segment, and retires the old init with its last segment", async () => {
    const { cam, pipeline, output, push } = await setUp({ windowSize: 3, retiredKept: 1 });
    await push(liveStream({ gop: 30, fps: 30, frames: 60 }));
    pipeline.sourceRestarted();
    await push(liveStream({ gop: 30, fps: 30, frames: 61, startDts: 5_000_000 }));
    let text = (await store.playlist(cam))!;
    expect(text).toContain(`#EXT-X-MAP:URI="${output.run}_init0.mp4"`);
    expect(text).toContain(`${output.run}_1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="${output.run}_init1.mp4"\n`);
    await push(liveStream({ gop: 30, fps: 30, frames: 5 * 30, startDts: 5_000_000 + 61 * 3000, leadingP: 29 }));
    text = (await store.playlist(cam))!;
    expect(text).toContain("#EXT-X-DISCONTINUITY-SEQUENCE:1\n");
    expect(text).not.toContain("init0");
    expect(await storedNames(cam)).not.toContain(`${output.run}_init0.mp4`);
    await output.stop();
  });

  it("starts a new init segment after a discontinuity when the camera's SPS changes", async () => {
    const { cam, pipeline, output, push } = await setUp();
    await push(liveStream({ gop: 30, fps: 30, frames: 45 }));
    pipeline.push(idrWithOtherSps(45 * 3000));
    await push(liveStream({ gop: 30, fps: 30, frames: 40, startDts: 46 * 3000, leadingP: 29 }));
    const text = (await store.playlist(cam))!;
    expect(text).toContain(`#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="${output.run}_init1.mp4"\n`);
    const init1 = readInitSegment(new Uint8Array((await store.segment(cam, `${output.run}_init1.mp4`))!));
    expect(init1).toMatchObject({ width: 1280, height: 720 });
    await output.stop();
  });

  it("starts from the pipeline's cached GOP, so a late output has a segment at the next keyframe", async () => {
    const cam = cameraId();
    const pipeline = new Pipeline();
    for (const au of liveStream({ gop: 30, fps: 30, frames: 50 })) pipeline.push(au);
    const output = new HlsOutput(pipeline, cam, store, { now: () => T0 });
    await output.start();
    for (const au of liveStream({ gop: 30, fps: 30, frames: 11, startDts: 50 * 3000, leadingP: 10 })) pipeline.push(au);
    await output.flushed();
    const text = (await store.playlist(cam))!;
    expect(playlistSegmentCount(text)).toBe(1);
    expect(text).toContain("#EXTINF:1.00000,");
    // The cached GOP (pictures 30..49) arrived before the output: its first picture 19 frames before the newest.
    expect(text).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 - (19 * 1000) / 30).toISOString()}\n`);
    await output.stop();
  });

  it("continues the playlist another output of the camera left (its holder died): numbers go on after a discontinuity", async () => {
    const a = await setUp();
    await a.push(liveStream({ gop: 30, fps: 30, frames: 100 }));
    expect((await store.edge(a.cam))!.msn).toBe(3);
    // Another worker takes the camera over: a new pipeline and output, the same camera.
    const pipeline = new Pipeline();
    const b = new HlsOutput(pipeline, a.cam, store, { now: () => T0 });
    await b.start();
    for (const au of liveStream({ gop: 30, fps: 30, frames: 61, startDts: 7_000_000 })) pipeline.push(au);
    await b.flushed();
    const text = (await store.playlist(a.cam))!;
    expect(text).toContain("#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n");
    expect(text).toContain(`#EXT-X-MAP:URI="${b.run}_init0.mp4"`);
    expect(text).toContain(`\n${b.run}_4.m4s\n`);
    expect(await store.edge(a.cam)).toMatchObject({ run: b.run, firstMsn: 4, msn: 6 });
    await b.stop();
    await a.output.stop();
  });

  it("deletes the playlist and every file on stop and takes no more access units", async () => {
    const { cam, pipeline, output, push } = await setUp();
    await push(liveStream({ gop: 30, fps: 30, frames: 100 }));
    expect((await storedNames(cam)).length).toBeGreaterThan(3);
    await output.stop();
    expect(output.running).toBe(false);
    expect(await store.playlist(cam)).toBeNull();
    expect(await storedNames(cam)).toEqual([]);
    for (const au of liveStream({ gop: 30, fps: 30, frames: 40, startDts: 100 * 3000 })) pipeline.push(au);
    await output.flushed();
    expect(await storedNames(cam)).toEqual([]);
    expect(pipeline.consumerCounts()).toEqual({});
  });
});
