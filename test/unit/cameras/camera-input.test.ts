import { describe, expect, it } from "bun:test";
import type { CameraPatch, CameraRecord, NewCamera } from "../../../src/cameras/camera.ts";
import { CAMERA_ID_PATTERN, generateCameraId } from "../../../src/cameras/camera-id.ts";
import { parseCameraCreate, parseCameraPatch, publicCamera } from "../../../src/cameras/camera-input.ts";
import { ValidationError } from "../../../src/errors.ts";

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

const base = { id: "front", name: "Front door", source_url: "rtsp://10.0.0.5:554/stream1" };
/** The settings a create body without them gets; expected results below leave them out. */
const defaults = { snapshotIntervalS: 0, maxViewers: 10 } as const;

/** Setting values both parsers refuse, with the reason; `undefined` would mean "absent". */
const badSettings: [field: string, value: unknown, reason: string][] = [
  ["snapshot_interval_s", "60", "must be an integer 0-86400"],
  ["snapshot_interval_s", null, "must be an integer 0-86400"],
  ["snapshot_interval_s", true, "must be an integer 0-86400"],
  ["snapshot_interval_s", [60], "must be an integer 0-86400"],
  ["snapshot_interval_s", { s: 60 }, "must be an integer 0-86400"],
  ["snapshot_interval_s", -1, "must be an integer 0-86400"],
  ["snapshot_interval_s", 86_401, "must be an integer 0-86400"],
  ["snapshot_interval_s", 1e21, "must be an integer 0-86400"],
  ["snapshot_interval_s", 0.5, "must be an integer 0-86400"],
  ["snapshot_interval_s", 59.999, "must be an integer 0-86400"],
  ["snapshot_interval_s", Number.NaN, "must be an integer 0-86400"],
  ["snapshot_interval_s", Number.POSITIVE_INFINITY, "must be an integer 0-86400"],
  ["max_viewers", "10", "must be an integer 1-1000"],
  ["max_viewers", null, "must be an integer 1-1000"],
  ["max_viewers", false, "must be an integer 1-1000"],
  ["max_viewers", 10n, "must be an integer 1-1000"],
  ["max_viewers", 0, "must be an integer 1-1000"],
  ["max_viewers", -10, "must be an integer 1-1000"],
  ["max_viewers", 1001, "must be an integer 1-1000"],
  ["max_viewers", 2.5, "must be an integer 1-1000"],
];

describe("parseCameraCreate", () => {
  const minimal: NewCamera = {
    id: "front",
    name: "Front door",
    sourceUrl: "rtsp://10.0.0.5:554/stream1",
    username: null,
    password: null,
    network: "local",
  };
  const cases: [title: string, body: Record<string, unknown>, expected: NewCamera][] = [
    [
      "fills defaults for a minimal body",
      base,
      { id: "front", name: "Front door", sourceUrl: "rtsp://10.0.0.5:554/stream1", username: null, password: null, network: "local" },
    ],
    [
      "moves credentials out of source_url, percent-decoded",
      { ...base, source_url: "rtsp://admin:p%40ss@10.0.0.5:554/stream1" },
      { id: "front", name: "Front door", sourceUrl: "rtsp://10.0.0.5:554/stream1", username: "admin", password: "p@ss", network: "local" },
    ],
    [
      "lets explicit username and password win over the URL's",
      { ...base, source_url: "rtsp://admin:old@10.0.0.5/s", username: "viewer", password: "new" },
      { id: "front", name: "Front door", sourceUrl: "rtsp://10.0.0.5/s", username: "viewer", password: "new", network: "local" },
    ],
    [
      "lets an explicit null password win over the URL's",
      { ...base, source_url: "rtsp://admin:old@10.0.0.5/s", password: null },
      { id: "front", name: "Front door", sourceUrl: "rtsp://10.0.0.5/s", username: "admin", password: null, network: "local" },
    ],
    [
      "trims the name and source_url, takes network and an empty password",
      { ...base, name: "  Yard  ", source_url: " RTSP://h/s ", username: "u", password: "", network: "vpn" },
      { id: "front", name: "Yard", sourceUrl: "rtsp://h/s", username: "u", password: "", network: "vpn" },
    ],
    [
      "accepts shm and file sources, and an empty username as none",
      { ...base, source_url: "shm://cam0", username: "" },
      { id: "front", name: "Front door", sourceUrl: "shm://cam0", username: null, password: null, network: "local" },
    ],
    ["takes both settings at their lower bounds", { ...base, snapshot_interval_s: 0, max_viewers: 1 }, { ...minimal, snapshotIntervalS: 0, maxViewers: 1 }],
    [
      "takes both settings at their upper bounds",
      { ...base, snapshot_interval_s: 86_400, max_viewers: 1000 },
      { ...minimal, snapshotIntervalS: 86_400, maxViewers: 1000 },
    ],
    [
      "takes one setting and defaults the other; undefined counts as absent",
      { ...base, snapshot_interval_s: 30, max_viewers: undefined },
      { ...minimal, snapshotIntervalS: 30 },
    ],
    [
      "takes a source engine and a worker tag",
      { ...base, source_url: "shm://cam0", source_engine: "native", worker_tag: "host:cam-board-1" },
      { ...minimal, sourceUrl: "shm://cam0", sourceEngine: "native", workerTag: "host:cam-board-1" },
    ],
    ["takes a null worker tag (any worker)", { ...base, worker_tag: null }, { ...minimal, workerTag: null }],
  ];
  for (const [title, body, expected] of cases) {
    it(title, () => {
      expect(parseCameraCreate(body)).toEqual({ ...defaults, ...expected });
    });
  }

  it("generates cam_ and 8 base36 characters when no id is given", () => {
    const { id: _id, ...withoutId } = base;
    const ids = new Set(Array.from({ length: 200 }, () => parseCameraCreate(withoutId).id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^cam_[0-9a-z]{8}$/);
    expect(generateCameraId()).toMatch(CAMERA_ID_PATTERN);
  });

  const refused: [body: unknown, field: string, reason: string][] = [
    [null, "body", "must be a JSON object"],
    [[base], "body", "must be a JSON object"],
    ["front", "body", "must be a JSON object"],
    [{ ...base, id: "has space" }, "id", "must be 1-64 characters"],
    [{ ...base, id: "x".repeat(65) }, "id", "must be 1-64 characters"],
    [{ ...base, id: "" }, "id", "must be 1-64 characters"],
    [{ ...base, id: 7 }, "id", "must be 1-64 characters"],
    [{ id: "a", source_url: "rtsp://h/s" }, "name", "is required"],
    [{ ...base, name: "   " }, "name", "must not be empty"],
    [{ ...base, name: "n".repeat(201) }, "name", "at most 200 characters"],
    [{ ...base, name: "a\nb" }, "name", "control characters"],
    [{ ...base, name: 5 }, "name", "must be a string"],
    [{ id: "a", name: "n" }, "source_url", "is required"],
    [{ ...base, source_url: "http://h/x" }, "source_url", 'unsupported scheme "http"'],
    [{ ...base, source_url: 42 }, "source_url", "must be a string"],
    [{ ...base, source_url: `rtsp://u:${"p".repeat(201)}@h/s` }, "source_url", "password in the URL must be at most 200"],
    [{ ...base, username: 1 }, "username", "must be a string or null"],
    [{ ...base, password: "p".repeat(201) }, "password", "at most 200 characters"],
    [{ ...base, network: "lan" }, "network", "must be one of local, vpn"],
    [{ ...base, sourceUrl: "rtsp://h/s" }, "sourceUrl", "unknown field"],
    // the first bad field is reported, in declaration order
    [{ id: "bad id", name: "", source_url: "ftp://x" }, "id", "must be 1-64 characters"],
    [{ ...base, name: "", network: "x" }, "name", "must not be empty"],
    [{ ...base, network: "x", snapshot_interval_s: -1 }, "network", "must be one of"],
    [{ ...base, snapshot_interval_s: -1, max_viewers: 0 }, "snapshot_interval_s", "must be an integer 0-86400"],
    [{ ...base, max_viewers: 0, maxViewers: 5 }, "max_viewers", "must be an integer 1-1000"],
    [{ ...base, maxViewers: 5 }, "maxViewers", "unknown field"],
    [{ ...base, source_engine: "gstreamer" }, "source_engine", "must be one of auto, native, ffmpeg"],
    [{ ...base, worker_tag: "host/cam" }, "worker_tag", "must be null or 1-64 characters"],
  ];
  for (const [body, field, reason] of refused) {
    it(`refuses ${JSON.stringify(body)?.slice(0, 60)} on ${field}`, () => {
      const err = rejection(() => parseCameraCreate(body));
      expect(err.field).toBe(field);
      expect(err.message).toContain(reason);
    });
  }

  for (const [field, value, reason] of badSettings) {
    it(`refuses ${field} ${Bun.inspect(value, { compact: true })}`, () => {
      const err = rejection(() => parseCameraCreate({ ...base, [field]: value }));
      expect(err.field).toBe(field);
      expect(err.message).toBe(`${field}: ${reason}`);
    });
  }

  it("never puts a password from the URL into the error message", () => {
    const err = rejection(() => parseCameraCreate({ ...base, source_url: "rtsp://admin:hunter2@h:99999/s" }));
    expect(err.field).toBe("source_url");
    expect(err.message).not.toContain("hunter2");
  });
});

describe("parseCameraPatch", () => {
  const cases: [title: string, body: Record<string, unknown>, expected: CameraPatch][] = [
    ["accepts an empty patch", {}, {}],
    ["takes a new name only", { name: " Back " }, { name: "Back" }],
    ["clears credentials with null", { username: null, password: null }, { username: null, password: null }],
    ["keeps credentials when a new source_url has none", { source_url: "rtsp://h2/s" }, { sourceUrl: "rtsp://h2/s" }],
    ["replaces credentials found in a new source_url", { source_url: "rtsps://u:p%20w@h2/s" }, { sourceUrl: "rtsps://h2/s", username: "u", password: "p w" }],
    [
      "lets explicit credentials win over the new source_url's",
      { source_url: "rtsp://u:p@h2/s", password: "explicit" },
      { sourceUrl: "rtsp://h2/s", username: "u", password: "explicit" },
    ],
    ["takes the network", { network: "vpn" }, { network: "vpn" }],
    ["turns snapshot polling off with 0", { snapshot_interval_s: 0 }, { snapshotIntervalS: 0 }],
    ["takes max_viewers alone", { max_viewers: 1 }, { maxViewers: 1 }],
    ["takes both settings at their upper bounds", { snapshot_interval_s: 86_400, max_viewers: 1000 }, { snapshotIntervalS: 86_400, maxViewers: 1000 }],
    ["treats undefined settings as absent", { snapshot_interval_s: undefined, max_viewers: undefined }, {}],
    ["takes a source engine", { source_engine: "ffmpeg" }, { sourceEngine: "ffmpeg" }],
    ["takes a worker tag", { worker_tag: "host:cam-board-1" }, { workerTag: "host:cam-board-1" }],
    ["clears the worker tag with null", { worker_tag: null }, { workerTag: null }],
  ];
  for (const [title, body, expected] of cases) {
    it(title, () => {
      expect(parseCameraPatch(body)).toEqual(expected);
    });
  }

  const refused: [body: unknown, field: string, reason: string][] = [
    [undefined, "body", "must be a JSON object"],
    [{ id: "other" }, "id", "cannot be changed"],
    [{ name: "" }, "name", "must not be empty"],
    [{ source_url: "shm://.." }, "source_url", "only dots"],
    [{ network: null }, "network", "must be one of"],
    [{ has_password: true }, "has_password", "unknown field"],
    [{ snapshotIntervalS: 60 }, "snapshotIntervalS", "unknown field"],
    [{ snapshot_interval_s: 1.5, max_viewers: 0 }, "snapshot_interval_s", "must be an integer 0-86400"],
    [{ source_engine: "gstreamer" }, "source_engine", "must be one of auto, native, ffmpeg"],
    [{ source_engine: null }, "source_engine", "must be one of"],
    [{ worker_tag: "" }, "worker_tag", "must be null or 1-64 characters"],
    [{ worker_tag: "host cam" }, "worker_tag", "must be null or 1-64 characters"],
    [{ worker_tag: 7 }, "worker_tag", "must be null or 1-64 characters"],
    [{ worker_tag: "x".repeat(65) }, "worker_tag", "must be null or 1-64 characters"],
  ];
  for (const [body, field, reason] of refused) {
    it(`refuses ${JSON.stringify(body)} on ${field}`, () => {
      const err = rejection(() => parseCameraPatch(body));
      expect(err.field).toBe(field);
      expect(err.message).toContain(reason);
    });
  }

  for (const [field, value, reason] of badSettings) {
    it(`refuses ${field} ${Bun.inspect(value, { compact: true })}`, () => {
      const err = rejection(() => parseCameraPatch({ [field]: value }));
      expect(err.field).toBe(field);
      expect(err.message).toBe(`${field}: ${reason}`);
    });
  }
});

describe("publicCamera", () => {
  const rec: CameraRecord = {
    id: "front",
    name: "Front door",
    sourceUrl: "rtsp://10.0.0.5:554/stream1",
    username: "admin",
    password: "hunter2",
    network: "vpn",
    snapshotIntervalS: 300,
    maxViewers: 4,
    sourceEngine: "auto",
    workerTag: null,
    createdAt: 1_714_564_800_123,
    updatedAt: 1_714_564_801_000,
  };

  it("shows ISO instants with milliseconds and whether there is a password, never the password", () => {
    expect(publicCamera(rec)).toEqual({
      id: "front",
      name: "Front door",
      source_url: "rtsp://10.0.0.5:554/stream1",
      username: "admin",
      has_password: true,
      network: "vpn",
      snapshot_interval_s: 300,
      max_viewers: 4,
      source_engine: "auto",
      worker_tag: null,
      created_at: "2024-05-01T12:00:00.123Z",
      updated_at: "2024-05-01T12:00:01.000Z",
    });
    expect(JSON.stringify(publicCamera(rec))).not.toContain("hunter2");
  });

  it("shows the settings as given, including 0 for snapshot polling off", () => {
    expect(publicCamera({ ...rec, snapshotIntervalS: 0, maxViewers: 1000 })).toMatchObject({
      snapshot_interval_s: 0,
      max_viewers: 1000,
    });
  });

  it("says has_password false when there is none, true for an empty one", () => {
    expect(publicCamera({ ...rec, password: null }).has_password).toBe(false);
    expect(publicCamera({ ...rec, password: "" }).has_password).toBe(true);
  });

  it("redacts userinfo should a stored URL ever carry some", () => {
    expect(publicCamera({ ...rec, sourceUrl: "rtsp://a:hunter2@h/s" }).source_url).toBe("rtsp://***@h/s");
  });
});
