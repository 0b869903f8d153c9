/**
 * HlsSegmentStore against a real Redis: playlists and MPEG-TS segments shared by every API
 * process. Segment names are checked before any key is built.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { HlsSegmentStore, playlistSegmentCount, SEGMENT_NAME } from "../../../src/state/hls-segment-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const store = new HlsSegmentStore(redis, keys);
afterAll(cleanup);

/** Every byte value, with 0x47 (the TS sync byte) first. */
const allBytes = () => Uint8Array.from({ length: 256 * 3 }, (_, i) => (i === 0 ? 0x47 : i % 256));

describe("HlsSegmentStore", () => {
  it("round-trips a segment's binary bytes exactly", async () => {
    const cam = cameraId();
    const bytes = allBytes();
    await store.putSegment(cam, "k3x9_17.ts", bytes);
    const got = await store.segment(cam, "k3x9_17.ts");
    expect(got).not.toBeNull();
    expect(new Uint8Array(got!)).toEqual(bytes);
  });

  it("stores only the bytes of a view into a larger buffer", async () => {
    const cam = cameraId();
    const backing = allBytes();
    const view = backing.subarray(100, 300);
    await store.putSegment(cam, "run1_2.ts", view);
    expect(new Uint8Array((await store.segment(cam, "run1_2.ts"))!)).toEqual(backing.slice(100, 300));
  });

  it("answers null for a segment that was never stored", async () => {
    expect(await store.segment(cameraId(), "run1_99.ts")).toBeNull();
  });

  const foreign = [
    "../run1_1.ts",
    "run1_1.ts/../../x",
    "RUN1_1.ts",
    "run1_1.m3u8",
    "run1-1.ts",
    "run11.ts",
    "run1_1.ts\n",
    `${"a".repeat(17)}_1.ts`,
    "run1_12345678901.ts",
    "",
  ];
  for (const name of foreign) {
    it(`answers null for the name ${JSON.stringify(name)}, which is not a muxer segment, even when such a key exists`, async () => {
      const cam = cameraId();
      expect(SEGMENT_NAME.test(name)).toBe(false);
      await redis.set(keys.hlsSegment(cam, name), "leak");
      expect(await store.segment(cam, name)).toBeNull();
    });
  }

  it("round-trips the playlist text and lets playlist and segments expire within a minute", async () => {
    const cam = cameraId();
    const text = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\nrun1_1.ts\n#EXTINF:1.000,\nrun1_2.ts\n";
    await store.putSegment(cam, "run1_1.ts", allBytes());
    await store.putPlaylist(cam, text);
    expect(await store.playlist(cam)).toBe(text);
    for (const key of [keys.hlsPlaylist(cam), keys.hlsSegment(cam, "run1_1.ts")]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    }
    expect(playlistSegmentCount(text)).toBe(2);
  });

  it("answers null for the playlist of a camera with no muxer", async () => {
    expect(await store.playlist(cameraId())).toBeNull();
  });

  it("clears the playlist and the named segments, and nothing of other cameras", async () => {
    const cam = cameraId();
    const other = cameraId();
    await store.putPlaylist(cam, "#EXTM3U\n");
    await store.putSegment(cam, "r_1.ts", allBytes());
    await store.putSegment(cam, "r_2.ts", allBytes());
    await store.putPlaylist(other, "#EXTM3U\n");
    await store.putSegment(other, "r_1.ts", allBytes());
    await store.clear(cam, ["r_1.ts", "r_2.ts"]);
    expect(await store.playlist(cam)).toBeNull();
    expect(await store.segment(cam, "r_1.ts")).toBeNull();
    expect(await store.segment(cam, "r_2.ts")).toBeNull();
    expect(await store.playlist(other)).toBe("#EXTM3U\n");
    expect(await store.segment(other, "r_1.ts")).not.toBeNull();
  });
});
