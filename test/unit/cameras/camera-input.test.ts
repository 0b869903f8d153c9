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

describe("parseCameraCreate", () => {
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
  ];
  for (const [title, body, expected] of cases) {
    it(title, () => {
      expect(parseCameraCreate(body)).toEqual(expected);
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
  ];
  for (const [body, field, reason] of refused) {
    it(`refuses ${JSON.stringify(body)?.slice(0, 60)} on ${field}`, () => {
      const err = rejection(() => parseCameraCreate(body));
      expect(err.field).toBe(field);
      expect(err.message).toContain(reason);
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
    [
      "replaces credentials found in a new source_url",
      { source_url: "rtsps://u:p%20w@h2/s" },
      { sourceUrl: "rtsps://h2/s", username: "u", password: "p w" },
    ],
    [
      "lets explicit credentials win over the new source_url's",
      { source_url: "rtsp://u:p@h2/s", password: "explicit" },
      { sourceUrl: "rtsp://h2/s", username: "u", password: "explicit" },
    ],
    ["takes the network", { network: "vpn" }, { network: "vpn" }],
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
  ];
  for (const [body, field, reason] of refused) {
    it(`refuses ${JSON.stringify(body)} on ${field}`, () => {
      const err = rejection(() => parseCameraPatch(body));
      expect(err.field).toBe(field);
      expect(err.message).toContain(reason);
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
      created_at: "2024-05-01T12:00:00.123Z",
      updated_at: "2024-05-01T12:00:01.000Z",
    });
    expect(JSON.stringify(publicCamera(rec))).not.toContain("hunter2");
  });

  it("says has_password false when there is none, true for an empty one", () => {
    expect(publicCamera({ ...rec, password: null }).has_password).toBe(false);
    expect(publicCamera({ ...rec, password: "" }).has_password).toBe(true);
  });

  it("redacts userinfo should a stored URL ever carry some", () => {
    expect(publicCamera({ ...rec, sourceUrl: "rtsp://a:hunter2@h/s" }).source_url).toBe("rtsp://***@h/s");
  });
});
