import { describe, expect, it } from "bun:test";
import { HlsPlaylist } from "../../../src/pipeline/hls/hls-playlist.ts";

const seg = (n: number, discontinuity = false, durationSec = 1) => ({ name: `r_${n}.ts`, durationSec, discontinuity });

describe("HlsPlaylist", () => {
  it("lists the last three segments with a media sequence that counts the ones that slid out", () => {
    const p = new HlsPlaylist(3);
    for (let i = 0; i < 5; i++) p.add(seg(i));
    expect(p.render()).toBe(
      ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", "#EXT-X-MEDIA-SEQUENCE:2", "#EXTINF:1.000,", "r_2.ts", "#EXTINF:1.000,", "r_3.ts", "#EXTINF:1.000,", "r_4.ts", ""].join("\n"),
    );
  });

  it("returns the names that slid out so they can be deleted", () => {
    const p = new HlsPlaylist(2);
    expect(p.add(seg(0))).toEqual([]);
    expect(p.add(seg(1))).toEqual([]);
    expect(p.add(seg(2))).toEqual(["r_0.ts"]);
  });

  it("marks the first segment after a reconnect with EXT-X-DISCONTINUITY", () => {
    const p = new HlsPlaylist(3);
    p.add(seg(0));
    p.add(seg(1, true));
    const text = p.render();
    expect(text).toContain("r_0.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.000,\nr_1.ts");
    expect(text).not.toContain("DISCONTINUITY-SEQUENCE");
  });

  it("counts a discontinuity that slid out of the window in EXT-X-DISCONTINUITY-SEQUENCE", () => {
    const p = new HlsPlaylist(2);
    p.add(seg(0));
    p.add(seg(1, true));
    p.add(seg(2));
    const text = p.render();
    expect(text).toContain("#EXT-X-DISCONTINUITY-SEQUENCE:1");
    expect(text).not.toContain("#EXT-X-DISCONTINUITY\n");
    expect(text).toContain("#EXT-X-MEDIA-SEQUENCE:1");
  });

  it("raises the target duration to the longest segment rounded up, never lowers it", () => {
    const p = new HlsPlaylist(3);
    p.add(seg(0, false, 1.0));
    p.add(seg(1, false, 1.967));
    p.add(seg(2, false, 1));
    p.add(seg(3, false, 1));
    p.add(seg(4, false, 1));
    expect(p.render()).toContain("#EXT-X-TARGETDURATION:2");
  });
});
