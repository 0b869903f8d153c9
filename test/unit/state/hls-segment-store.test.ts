/**
 * HlsSegmentStore against a real Redis: LL-HLS playlists, their edge and fMP4 files shared by
 * every API process. File names are checked before any key is built.
 */
import { afterAll, describe, expect, it } from "bun:test";
import type { HlsEdge } from "../../../src/state/hls-edge.ts";
import { ENDED, HlsSegmentStore, hlsFileKind, parsePartName, playlistSegmentCount, SEGMENT_NAME } from "../../../src/state/hls-segment-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const store = new HlsSegmentStore(redis, keys);
afterAll(cleanup);

/** Every byte value. */
const allBytes = () => Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
const EDGE: HlsEdge = { run: "k3x9", firstMsn: 0, msn: 2, parts: 1, lastParts: 5, targetSec: 1, partTargetSec: 0.2 };
const PLAYLIST = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PART-INF:PART-TARGET=0.20000\n#EXTINF:1.00000,\nk3x9_0.m4s\n#EXTINF:1.00000,\nk3x9_1.m4s\n";

describe("HlsSegmentStore names", () => {
  const ours = [
    ["k3x9_init0.mp4", "init"],
    ["k3x9_init12.mp4", "init"],
    ["k3x9_17.m4s", "segment"],
    ["k3x9_17.3.m4s", "part"],
    ["a_0.0.m4s", "part"],
  ] as const;
  for (const [name, kind] of ours) {
    it(`accepts ${name} as a ${kind}`, () => expect(hlsFileKind(name)).toBe(kind));
  }

  const foreign = [
    "../run1_1.m4s",
    "run1_1.m4s/../../x",
    "RUN1_1.m4s",
    "run1_1.m3u8",
    "run1_1.ts",
    "run1-1.m4s",
    "run11.m4s",
    "run1_1.m4s\n",
    `${"a".repeat(17)}_1.m4s`,
    "run1_12345678901.m4s",
    "run1_1.12345.m4s",
    "run1_1.2.3.m4s",
    "run1_init.mp4",
    "run1_init1.m4s",
    "run1_1.mp4",
    "index.m3u8",
    "",
  ];
  for (const name of foreign) {
    it(`answers null for the name ${JSON.stringify(name)}, which is not an output file, even when such a key exists`, async () => {
      const cam = cameraId();
      expect(SEGMENT_NAME.test(name)).toBe(false);
      expect(hlsFileKind(name)).toBeUndefined();
      await redis.set(keys.hlsSegment(cam, name), "leak");
      expect(await store.segment(cam, name)).toBeNull();
    });
  }

  it("reads run, media sequence number and part index from a part's name", () => {
    expect(parsePartName("k3x9_17.3.m4s")).toEqual({ run: "k3x9", msn: 17, part: 3 });
    expect(parsePartName("k3x9_17.m4s")).toBeUndefined();
  });
});

describe("HlsSegmentStore", () => {
  it("round-trips a file's binary bytes exactly, and only the bytes of a view", async () => {
    const cam = cameraId();
    const backing = allBytes();
    await store.putSegment(cam, "k3x9_init0.mp4", backing);
    await store.putSegment(cam, "k3x9_17.0.m4s", backing.subarray(100, 300));
    expect(new Uint8Array((await store.segment(cam, "k3x9_init0.mp4"))!)).toEqual(backing);
    expect(new Uint8Array((await store.segment(cam, "k3x9_17.0.m4s"))!)).toEqual(backing.slice(100, 300));
  });

  it("stores a segment once, as its parts: each part by its index, the segment as the parts concatenated", async () => {
    const cam = cameraId();
    const b = allBytes();
    await store.update(cam, {
      files: [
        { name: "k3x9_5.0.m4s", bytes: b.subarray(0, 10) },
        { name: "k3x9_5.1.m4s", bytes: b.subarray(10, 30) },
      ],
    });
    await store.update(cam, { files: [{ name: "k3x9_5.2.m4s", bytes: b.subarray(30, 31) }] });
    expect(new Uint8Array((await store.segment(cam, "k3x9_5.1.m4s"))!)).toEqual(b.slice(10, 30));
    expect(new Uint8Array((await store.segment(cam, "k3x9_5.2.m4s"))!)).toEqual(b.slice(30, 31));
    expect(await store.segment(cam, "k3x9_5.3.m4s")).toBeNull();
    expect(new Uint8Array((await store.segment(cam, "k3x9_5.m4s"))!)).toEqual(b.slice(0, 31));
  });

  it("refuses to store a whole segment: segments are their parts", async () => {
    await expect(store.putSegment(cameraId(), "k3x9_17.m4s", allBytes())).rejects.toThrow("not an HLS init segment or part name");
  });

  it("answers null for a file that was never stored", async () => {
    expect(await store.segment(cameraId(), "run1_99.m4s")).toBeNull();
  });

  it("writes files, playlist and edge together, with the lifetime asked for", async () => {
    const cam = cameraId();
    await store.update(cam, {
      files: [
        { name: "k3x9_init0.mp4", bytes: allBytes() },
        { name: "k3x9_1.0.m4s", bytes: allBytes() },
      ],
      playlist: { text: PLAYLIST, edge: EDGE },
      ttlSec: 90,
    });
    expect(await store.playlist(cam)).toBe(PLAYLIST);
    expect(await store.edge(cam)).toEqual(EDGE);
    expect(await store.current(cam)).toEqual({ text: PLAYLIST, edge: EDGE });
    expect(playlistSegmentCount(PLAYLIST)).toBe(2);
    for (const key of [keys.hlsPlaylist(cam), keys.hlsSegment(cam, "k3x9_1.m4s")]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(60);
      expect(ttl).toBeLessThanOrEqual(90);
    }
  });

  it("writes nothing when one name of the update is not an output file", async () => {
    const cam = cameraId();
    const bad = store.update(cam, {
      files: [
        { name: "k3x9_1.0.m4s", bytes: allBytes() },
        { name: "../x", bytes: allBytes() },
      ],
    });
    await expect(bad).rejects.toThrow("not an HLS init segment or part name");
    expect(await store.segment(cam, "k3x9_1.0.m4s")).toBeNull();
  });

  it("publishes the edge with each playlist, and 'ended' when cleared", async () => {
    const cam = cameraId();
    const sub = redis.duplicate();
    const got: string[] = [];
    sub.on("message", (_c, m: string) => got.push(m));
    await sub.subscribe(keys.hlsPlaylistChannel(cam));
    await store.update(cam, { files: [], playlist: { text: PLAYLIST, edge: EDGE } });
    await store.clear(cam, []);
    for (let i = 0; i < 50 && got.length < 2; i++) await Bun.sleep(10);
    sub.disconnect();
    expect(got).toEqual([JSON.stringify(EDGE), ENDED]);
  });

  it("answers null for the playlist and edge of a camera with no output", async () => {
    expect(await store.playlist(cameraId())).toBeNull();
    expect(await store.edge(cameraId())).toBeUndefined();
    expect(await store.current(cameraId())).toBeUndefined();
  });

  it("deletes retired files with an update, and the playlist and named files on clear, nothing of other cameras", async () => {
    const cam = cameraId();
    const other = cameraId();
    await store.update(cam, {
      files: [
        { name: "r_1.0.m4s", bytes: allBytes() },
        { name: "r_2.0.m4s", bytes: allBytes() },
      ],
      playlist: { text: PLAYLIST, edge: EDGE },
    });
    await store.update(other, { files: [{ name: "r_1.0.m4s", bytes: allBytes() }], playlist: { text: PLAYLIST, edge: EDGE } });
    await store.update(cam, { files: [], remove: ["r_1.m4s"] });
    expect(await store.segment(cam, "r_1.m4s")).toBeNull();
    expect(await store.segment(cam, "r_2.m4s")).not.toBeNull();
    await store.clear(cam, ["r_2.m4s"]);
    expect(await store.playlist(cam)).toBeNull();
    expect(await store.segment(cam, "r_2.m4s")).toBeNull();
    expect(await store.playlist(other)).toBe(PLAYLIST);
    expect(await store.segment(other, "r_1.m4s")).not.toBeNull();
  });
});
