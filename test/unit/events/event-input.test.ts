import { describe, expect, it } from "bun:test";
import { ValidationError } from "../../../src/errors.ts";
import { parseEventQuery, parseInstant, parseNewEvent } from "../../../src/events/event-input.ts";
import { parseEventSettings } from "../../../src/events/event-settings.ts";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe("parseNewEvent", () => {
  it("reads a full event and takes `at` as given (ISO with zone or epoch ms)", () => {
    expect(parseNewEvent({ camera_id: "cam_1", kind: "person", label: " front door ", score: 0.91, at: "2024-05-01T11:59:58.5+00:00" }, "det", NOW)).toEqual({
      cameraId: "cam_1",
      kind: "person",
      label: "front door",
      score: 0.91,
      at: NOW - 1500,
      source: "det",
    });
    expect(parseNewEvent({ camera_id: "c", kind: "motion", at: NOW - 5 }, "det", NOW).at).toBe(NOW - 5);
  });

  it("defaults `at` to now and label and score to null", () => {
    expect(parseNewEvent({ camera_id: "c", kind: "car" }, "det", NOW)).toEqual({
      cameraId: "c",
      kind: "car",
      label: null,
      score: null,
      at: NOW,
      source: "det",
    });
  });

  const bad: [string, unknown, string][] = [
    ["a body that is not an object", [1], "body"],
    ["a missing camera", { kind: "person" }, "camera_id"],
    ["a camera id with a slash", { camera_id: "a/b", kind: "person" }, "camera_id"],
    ["a missing kind", { camera_id: "c" }, "kind"],
    ["a kind with a space", { camera_id: "c", kind: "a b" }, "kind"],
    ["a kind of 33 characters", { camera_id: "c", kind: "k".repeat(33) }, "kind"],
    ["a label with a control character", { camera_id: "c", kind: "k", label: "a\nb" }, "label"],
    ["a label of 201 characters", { camera_id: "c", kind: "k", label: "é".repeat(201) }, "label"],
    ["a score above 1", { camera_id: "c", kind: "k", score: 1.01 }, "score"],
    ["a score given as text", { camera_id: "c", kind: "k", score: "0.5" }, "score"],
    ["an instant without a zone", { camera_id: "c", kind: "k", at: "2024-05-01T12:00:00" }, "at"],
    ["an instant two minutes ahead", { camera_id: "c", kind: "k", at: NOW + 120_000 }, "at"],
    ["a negative epoch", { camera_id: "c", kind: "k", at: -1 }, "at"],
    ["an unknown field", { camera_id: "c", kind: "k", extra: 1 }, "extra"],
  ];
  for (const [what, body, field] of bad) {
    it(`refuses ${what}, naming field ${field}`, () => {
      expect(fieldOf(() => parseNewEvent(body, "det", NOW))).toBe(field);
    });
  }
});

describe("parseEventQuery", () => {
  it("reads every filter, instants as ISO or epoch ms", () => {
    expect(parseEventQuery({ camera_id: "c", since: "2024-05-01T12:00:00Z", until: String(NOW + 1), after_id: "7", limit: "20" })).toEqual({
      cameraId: "c",
      since: NOW,
      until: NOW + 1,
      afterId: 7,
      limit: 20,
    });
  });

  it("answers 100 events by default and ignores empty parameters", () => {
    expect(parseEventQuery({ camera_id: "", since: "" })).toEqual({ limit: 100 });
  });

  for (const [q, field] of [
    [{ limit: "0" }, "limit"],
    [{ limit: "1001" }, "limit"],
    [{ after_id: "-1" }, "after_id"],
    [{ since: "yesterday" }, "since"],
    [{ since: String(NOW), until: String(NOW - 1) }, "until"],
    [{ camera_id: "x y" }, "camera_id"],
  ] as [Record<string, string>, string][]) {
    it(`refuses ${JSON.stringify(q)}, naming ${field}`, () => {
      expect(fieldOf(() => parseEventQuery(q))).toBe(field);
    });
  }
});

describe("parseInstant", () => {
  it("reads offsets and fractions", () => {
    expect(parseInstant("2024-05-01T14:00:00.250+02:00", "at")).toBe(NOW + 250);
    expect(parseInstant("2024-05-01T12:00Z", "at")).toBe(NOW);
  });
});

describe("parseEventSettings", () => {
  it("reads record_s 0-3600 and refuses anything else", () => {
    expect(parseEventSettings({ record_s: 30 })).toEqual({ recordS: 30 });
    expect(fieldOf(() => parseEventSettings({ record_s: 3601 }))).toBe("record_s");
    expect(fieldOf(() => parseEventSettings({ record_s: 1.5 }))).toBe("record_s");
    expect(fieldOf(() => parseEventSettings({ record_s: 1, x: 1 }))).toBe("x");
  });
});
