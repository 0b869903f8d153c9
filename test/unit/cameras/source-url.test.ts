import { describe, expect, it } from "bun:test";
import {
  hasCredentials,
  redactSecrets,
  redactUrl,
  splitCredentials,
  validateSourceUrl,
  withCredentials,
  type SplitSourceUrl,
} from "../../../src/cameras/source-url.ts";
import { ValidationError } from "../../../src/errors.ts";

describe("splitCredentials", () => {
  const cases: [input: string, expected: SplitSourceUrl][] = [
    ["rtsp://admin:p%40ss@10.0.0.5:554/stream1", { url: "rtsp://10.0.0.5:554/stream1", username: "admin", password: "p@ss" }],
    ["rtsps://user:pw@cam.example/live?x=1#f", { url: "rtsps://cam.example/live?x=1#f", username: "user", password: "pw" }],
    // pasted unencoded: the last `@` of the authority ends the userinfo, as in ffmpeg
    ["rtsp://admin:p@ss@10.0.0.5/s", { url: "rtsp://10.0.0.5/s", username: "admin", password: "p@ss" }],
    ["rtsp://admin:a:b@h", { url: "rtsp://h", username: "admin", password: "a:b" }],
    ["rtsp://viewer@h/s", { url: "rtsp://h/s", username: "viewer" }],
    ["rtsp://admin:@h/s", { url: "rtsp://h/s", username: "admin", password: "" }],
    ["rtsp://@h/s", { url: "rtsp://h/s" }],
    ["rtsp://us%C3%A9r:100%25@h", { url: "rtsp://h", username: "usér", password: "100%" }],
    ["rtsp://u:50%off@h", { url: "rtsp://h", username: "u", password: "50%off" }], // not an escape: kept as typed
    ["RTSP://u:p@h/s", { url: "RTSP://h/s", username: "u", password: "p" }],
    ["rtsp://10.0.0.5:554/stream1", { url: "rtsp://10.0.0.5:554/stream1" }],
    ["rtsp://h/path/with@sign", { url: "rtsp://h/path/with@sign" }], // `@` after the authority is path
    ["shm://cam0", { url: "shm://cam0" }],
    ["/srv/demo/clip.mp4", { url: "/srv/demo/clip.mp4" }],
    ["http://u:p@h/x", { url: "http://u:p@h/x" }], // not a camera source: untouched
  ];
  for (const [input, expected] of cases) {
    it(`splits ${input}`, () => {
      expect(splitCredentials(input)).toEqual(expected);
    });
  }
});

describe("withCredentials", () => {
  const cases: [url: string, username: string | null, password: string | null, expected: string][] = [
    ["rtsp://10.0.0.5:554/stream1", "admin", "p@ss", "rtsp://admin:p%40ss@10.0.0.5:554/stream1"],
    ["rtsp://h/s", "a b", "x/y:z#?", "rtsp://a%20b:x%2Fy%3Az%23%3F@h/s"],
    ["rtsp://h/s", "viewer", null, "rtsp://viewer@h/s"],
    ["rtsp://h/s", "admin", "", "rtsp://admin:@h/s"],
    ["rtsp://h/s", null, null, "rtsp://h/s"],
    ["rtsp://old:creds@h/s", "new", "pw", "rtsp://new:pw@h/s"],
    ["shm://cam0", "admin", "pw", "shm://cam0"],
    ["/srv/demo/clip.mp4", "admin", "pw", "/srv/demo/clip.mp4"],
  ];
  for (const [url, username, password, expected] of cases) {
    it(`builds ${expected}`, () => {
      expect(withCredentials(url, username, password)).toBe(expected);
    });
  }

  it("round-trips through splitCredentials for awkward passwords", () => {
    for (const password of ["p@ss", "a:b/c?d#e", "100%", "ünï cødé 🎥", " spaced "]) {
      const joined = withCredentials("rtsp://10.0.0.5/s", "admin", password);
      expect(splitCredentials(joined)).toEqual({ url: "rtsp://10.0.0.5/s", username: "admin", password });
    }
  });
});

describe("redactUrl and hasCredentials", () => {
  const cases: [url: string, redacted: string][] = [
    ["rtsp://admin:p%40ss@10.0.0.5:554/stream1", "rtsp://***@10.0.0.5:554/stream1"],
    ["rtsp://admin:p@ss@h/s", "rtsp://***@h/s"],
    ["mysql://root:pw@db/camserver", "mysql://***@db/camserver"],
    ["rtsp://viewer@h", "rtsp://***@h"],
    ["rtsp://10.0.0.5/s", "rtsp://10.0.0.5/s"],
    ["rtsp://h/path/with@sign", "rtsp://h/path/with@sign"],
    ["/srv/demo/clip.mp4", "/srv/demo/clip.mp4"],
  ];
  for (const [url, redacted] of cases) {
    it(`redacts ${url} to ${redacted}`, () => {
      expect(redactUrl(url)).toBe(redacted);
      expect(hasCredentials(url)).toBe(redacted !== url);
    });
  }
});

describe("redactSecrets", () => {
  const cases: [text: string, secrets: string[], expected: string][] = [
    [
      "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\nrtsp://admin:hunter2@10.0.0.5/s: Server returned 401",
      ["hunter2"],
      "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\nrtsp://***@10.0.0.5/s: Server returned 401",
    ],
    ["Input #0, rtsp, from 'rtsp://admin:p%40ss@10.0.0.5/s':", ["p@ss"], "Input #0, rtsp, from 'rtsp://***@10.0.0.5/s':"],
    ["password p@ss echoed alone, encoded p%40ss too", ["p@ss"], "password *** echoed alone, encoded *** too"],
    ["a:b@c and rtsps://x:y@h2/p rtsp://u:p@ss@h3/q", [], "a:b@c and rtsps://***@h2/p rtsp://***@h3/q"],
    ["secret and secret-longer", ["secret", "secret-longer"], "*** and ***"],
    ["nothing to hide", ["", "absent"], "nothing to hide"],
    ["Stream #0:0: Video: h264 @ 30 fps", [], "Stream #0:0: Video: h264 @ 30 fps"],
  ];
  for (const [text, secrets, expected] of cases) {
    it(`makes ${JSON.stringify(text.slice(0, 40))} safe`, () => {
      expect(redactSecrets(text, secrets)).toBe(expected);
    });
  }
});

describe("validateSourceUrl", () => {
  const accepted: [url: string, normalized: string][] = [
    ["rtsp://10.0.0.5:554/stream1", "rtsp://10.0.0.5:554/stream1"],
    ["rtsp://cam.local/cam/realmonitor?channel=1&subtype=0", "rtsp://cam.local/cam/realmonitor?channel=1&subtype=0"],
    ["rtsp://10.0.0.5", "rtsp://10.0.0.5"],
    ["RTSPS://[fe80::1]:322/live", "rtsps://[fe80::1]:322/live"],
    ["shm://cam_0.main-1", "shm://cam_0.main-1"],
    ["/srv/demo/front door.mp4", "/srv/demo/front door.mp4"],
  ];
  for (const [url, normalized] of accepted) {
    it(`accepts ${url}`, () => {
      expect(validateSourceUrl(url)).toBe(normalized);
    });
  }

  const refused: [url: string, reason: string][] = [
    ["", "must not be empty"],
    ["http://10.0.0.5/video", 'unsupported scheme "http"'],
    ["file:///srv/demo.mp4", 'unsupported scheme "file"'],
    ["rtmp://h/live", 'unsupported scheme "rtmp"'],
    ["relative/clip.mp4", "must be rtsp://"],
    ["rtsp://admin:pw@10.0.0.5/s", "must not contain credentials"],
    ["rtsp:///nohost", "must name a host"],
    ["rtsp://h:0/s", "port must be 1-65535"],
    ["rtsp://h:65536/s", "port must be 1-65535"],
    ["rtsp://h:port/s", "must name a host"],
    ["rtsp://h/a b", "must not contain whitespace"],
    ["shm://", "must be rtsp://"],
    ["shm://a/b", "must be rtsp://"],
    ["shm://..", "only dots"],
    ["/srv/demo\u0000.mp4", "control characters"],
    ["rtsp://h/" + "x".repeat(2000), "at most 2000 characters"],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${JSON.stringify(url.slice(0, 40))}: ${reason}`, () => {
      let err: unknown;
      try {
        validateSourceUrl(url);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe("source_url");
      expect((err as Error).message).toContain(reason);
      expect((err as Error).message).not.toContain("pw@");
    });
  }
});
