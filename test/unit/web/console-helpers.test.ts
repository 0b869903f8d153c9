import { describe, expect, it } from "bun:test";
import { stateText } from "../../../src/api/web/camera-grid.ts";
import { ago, bytes, shortDuration } from "../../../src/api/web/dom.ts";
import { eventText } from "../../../src/api/web/event-log.ts";
import { viewerText } from "../../../src/api/web/live-view.ts";
import { avcCodecString } from "../../../src/api/web/playback.ts";
import { recordingList } from "../../../src/api/web/recording-control.ts";
import { parseRoute, routeHash } from "../../../src/api/web/router.ts";

describe("console text", () => {
  it("says who watches a camera and in which state it is", () => {
    expect(viewerText({ webrtc: 2, hls: 1, snapshot: 1 })).toBe("3 watching (WebRTC 2, HLS 1)");
    expect(viewerText({})).toBe("0 watching");
    expect(stateText({ state: "live", consumers: { webrtc: 1, record: 1, hls: 0 } })).toBe("live · WebRTC 1, record 1");
    expect(stateText({ state: "idle", consumers: {} })).toBe("idle");
  });

  it("describes an event with its label and score in percent", () => {
    expect(eventText({ kind: "person", label: "door", score: 0.926 })).toBe("person · door · 93 %");
    expect(eventText({ kind: "motion", label: null, score: null })).toBe("motion");
  });

  it("formats durations, ages and sizes", () => {
    expect([shortDuration(4400), shortDuration(61_000), shortDuration(7_300_000), shortDuration(200_000_000)]).toEqual(["4 s", "1 min", "2 h", "2 d"]);
    expect(ago(1000, 13_000)).toBe("12 s ago");
    expect([bytes(512), bytes(1536), bytes(12.5 * 1024 * 1024)]).toEqual(["512 B", "1.5 KB", "13 MB"]);
  });
});

describe("console routes", () => {
  it("reads page and parameters from the fragment; a bare parameter fragment is the camera page", () => {
    const r = parseRoute("#/recordings?camera=lobby&at=1714564800000");
    expect([r.page, r.params.get("camera"), r.params.get("at")]).toEqual(["recordings", "lobby", "1714564800000"]);
    expect(parseRoute("#mode=hls").page).toBe("cameras");
    expect(parseRoute("#mode=hls").params.get("mode")).toBe("hls");
    expect(parseRoute("#/nowhere").page).toBe("cameras");
    expect(parseRoute("").page).toBe("cameras");
    expect(routeHash("recordings", { camera: "a b" })).toBe("#/recordings?camera=a+b");
  });
});

describe("recorded playback", () => {
  it("reads the codec string from an avcC box (High profile, level 3.1)", () => {
    // Box header, then AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1): version 1, profile 0x64, compatibility 0x00, level 0x1f.
    const init = new Uint8Array([0, 0, 0, 0x30, 0x61, 0x76, 0x63, 0x43, 0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1]);
    expect(avcCodecString(init)).toBe("avc1.64001f");
    expect(avcCodecString(new Uint8Array([0x61, 0x76, 0x63]))).toBeUndefined();
  });

  it("accepts a recordings list bare or wrapped", () => {
    const r = { id: "rec_1", camera_id: "a", state: "done", started_at: "", ended_at: null };
    expect(recordingList([r])).toEqual([r]);
    expect(recordingList({ recordings: [r] })).toEqual([r]);
    expect(recordingList(null)).toEqual([]);
  });
});
