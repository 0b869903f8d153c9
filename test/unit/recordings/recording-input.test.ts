/**
 * Parsing of recording requests and settings: start bodies, the seed's file names, instants,
 * playback spans, cron expressions and recording settings, each bad field named.
 */
import { describe, expect, it } from "bun:test";
import { ValidationError } from "../../../src/errors.ts";
import { parseCron } from "../../../src/recordings/cron.ts";
import { defaultH264Filename, parseInstant, parsePlaybackDuration, parseRecordingStart, parseSeedFilename } from "../../../src/recordings/recording-input.ts";
import { applyRecordingSettingsPatch, defaultRecordingSettings, parseRecordingSettingsPatch } from "../../../src/recordings/recording-settings.ts";
import { generateRecordingId, RECORDING_ID_PATTERN } from "../../../src/recordings/recording-view.ts";

function field(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.field;
    throw e;
  }
  return "(accepted)";
}

describe("recording start bodies", () => {
  it("reads camera, format and max duration with defaults", () => {
    expect(parseRecordingStart({ camera_id: "c1" })).toEqual({ cameraId: "c1", format: "fmp4", maxDurationS: null });
    expect(parseRecordingStart({ camera_id: "c1", format: "h264", max_duration_s: 10 })).toEqual({ cameraId: "c1", format: "h264", maxDurationS: 10 });
  });

  it.each([
    [{}, "camera_id"],
    [{ camera_id: 5 }, "camera_id"],
    [{ camera_id: "c", format: "mkv" }, "format"],
    [{ camera_id: "c", max_duration_s: 1.5 }, "max_duration_s"],
    [{ camera_id: "c", max_duration_s: 0 }, "max_duration_s"],
    [{ camera_id: "c", max_duration_s: 604_801 }, "max_duration_s"],
    [{ camera_id: "c", extra: 1 }, "extra"],
    [[], "body"],
  ] as const)("names the bad field of %j", (body, name) => {
    expect(field(() => parseRecordingStart(body))).toBe(name);
  });
});

describe("the seed's file names", () => {
  it("adds .h264 and keeps plain names", () => {
    expect(parseSeedFilename({ filename: "front" })).toBe("front.h264");
    expect(parseSeedFilename({ filename: "a.b-c_d.h264" })).toBe("a.b-c_d.h264");
    expect(parseSeedFilename(undefined)).toBeUndefined();
    expect(parseSeedFilename({})).toBeUndefined();
  });

  it.each(["../x", "a/b", ".hidden", "", "x".repeat(130), "sp ace"])("refuses %j", (name) => {
    if (name === "") return expect(parseSeedFilename({ filename: name })).toBeUndefined();
    expect(field(() => parseSeedFilename({ filename: name }))).toBe("filename");
  });

  it("names a default file after the local time, as the seed does", () => {
    const at = new Date(2024, 4, 1, 7, 8, 9).getTime();
    expect(defaultH264Filename(at)).toBe("recording_20240501_070809.h264");
  });
});

describe("instants and spans", () => {
  it("reads ISO 8601 with a zone and epoch ms", () => {
    expect(parseInstant("2024-05-01T12:00:00Z", "start")).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseInstant("2024-05-01T14:00:00.500+02:00", "start")).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 500));
    expect(parseInstant("1714564800000", "start")).toBe(1_714_564_800_000);
    expect(parseInstant(undefined, "start")).toBeUndefined();
    for (const bad of ["2024-05-01", "2024-05-01T12:00:00", "yesterday", "2024-13-45T99:00:00Z"]) expect(field(() => parseInstant(bad, "from"))).toBe("from");
  });

  it("reads a playback duration of up to a day", () => {
    expect(parsePlaybackDuration("10")).toBe(10);
    expect(parsePlaybackDuration("2.5")).toBe(2.5);
    for (const bad of [undefined, "0", "-1", "abc", "86401", "1e3"]) expect(field(() => parsePlaybackDuration(bad))).toBe("duration_s");
  });
});

describe("cron expressions", () => {
  it.each(["* * * * *", "*/5 8-17 * * 1-5", "0,30 6 1 jan,jul sun", "0 0 29 2 7", "  1   2 3 4 5 "])("accepts %j", (cron) => {
    expect(parseCron(cron, "record.cron").split(" ")).toHaveLength(5);
  });

  it.each([
    "* * * *",
    "* * * * * *",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * * 13 *",
    "* * * * 8",
    "5-1 * * * *",
    "*/0 * * * *",
    "L * * * *",
    "1-2-3 * * * *",
    "* * * foo *",
  ])("refuses %j", (cron) => {
    expect(field(() => parseCron(cron, "record.cron"))).toBe("record.cron");
  });
});

describe("recording settings", () => {
  it("patches only the fields given and requires a cron for a schedule", () => {
    const cur = defaultRecordingSettings("c1");
    const patch = parseRecordingSettingsPatch({ mode: "continuous", segment_s: 2 }, { max_bytes: 2 ** 30 });
    expect(patch).toEqual({ mode: "continuous", segmentS: 2, maxBytes: 2 ** 30 });
    expect(applyRecordingSettingsPatch(cur, patch, 5)).toEqual({ ...cur, mode: "continuous", segmentS: 2, maxBytes: 2 ** 30, updatedAt: 5 });
    expect(field(() => applyRecordingSettingsPatch(cur, { mode: "schedule" }, 5))).toBe("record.cron");
    expect(parseRecordingSettingsPatch(undefined, { max_age_h: null })).toEqual({ maxAgeH: null });
  });

  it.each([
    [{ mode: "sometimes" }, undefined, "record.mode"],
    [{ segment_s: 0 }, undefined, "record.segment_s"],
    [{ format: "avi" }, undefined, "record.format"],
    [{ colour: 1 }, undefined, "record.colour"],
    [undefined, { max_age_h: 0 }, "retention.max_age_h"],
    [undefined, { max_bytes: 1000 }, "retention.max_bytes"],
    ["on", undefined, "record"],
  ] as const)("names the bad field of record %j retention %j", (record, retention, name) => {
    expect(field(() => parseRecordingSettingsPatch(record, retention))).toBe(name);
  });
});

describe("recording ids", () => {
  it("are rec_ and 16 base36 characters, all different", () => {
    const ids = new Set(Array.from({ length: 1000 }, generateRecordingId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(RECORDING_ID_PATTERN.test(id)).toBe(true);
  });
});
