/**
 * classifySourceEnd: how a source ffmpeg ended -> the domain error a client sees.
 * stderr lines are ffmpeg 5.1 (Debian 12) output at `-loglevel error` against the test
 * cameras (test/support/servers: rtsp-camera with --user/--max-clients/--over-limit, and
 * fault-proxy.ts hanging, dropping or stalling) and against cam720-hevc.mp4 for the codec case.
 */
import { describe, expect, it } from "bun:test";
import { CameraTimeoutError, CameraUnreachableError, type DomainError } from "../../../../src/errors.ts";
import { classifySourceEnd, NeedsFullProbeError, NeedsTranscodeError, type SourceEnd } from "../../../../src/pipeline/source/ffmpeg-failure.ts";
import { type SessionEnd, SourceLostError } from "../../../../src/pipeline/source/source.ts";

const URL = "rtsp://127.0.0.1:8554/stream1";
const LOCAL = { connectMs: 5000, readMs: 3000 };

function end(patch: Partial<SourceEnd>): SourceEnd {
  return { cameraId: "cam-7", stderr: "", gotMedia: false, timedOut: null, ...LOCAL, elapsedMs: 400, ...patch };
}

type Case = [what: string, end: SourceEnd, expected: new (...args: never[]) => SessionEnd, lastLine: string | null];

const cases: Case[] = [
  [
    "a closed port (Connection refused)",
    end({
      stderr: `[tcp @ 0x55f1a3e0c740] Connection to tcp://127.0.0.1:8554?timeout=3000000 failed: Connection refused\n${URL}: Connection refused\n`,
      elapsedMs: 40,
    }),
    CameraUnreachableError,
    `${URL}: Connection refused`,
  ],
  [
    "wrong credentials (DESCRIBE 401 Unauthorized)",
    end({
      stderr: `[rtsp @ 0x5611c3a2a2c0] method DESCRIBE failed: 401 Unauthorized\n${URL}: Server returned 401 Unauthorized (authorization failed)\n`,
      elapsedMs: 60,
    }),
    CameraUnreachableError,
    "method DESCRIBE failed: 401 Unauthorized",
  ],
  [
    "a camera over its client limit (453 Not Enough Bandwidth)",
    end({
      stderr: `[rtsp @ 0x55d0a0c5b2c0] method DESCRIBE failed: 453 Not Enough Bandwidth\n${URL}: Invalid data found when processing input\n`,
      elapsedMs: 120,
    }),
    CameraUnreachableError,
    "method DESCRIBE failed: 453 Not Enough Bandwidth",
  ],
  [
    "a VPN camera whose 453 came late, after 0.8 x its socket timeout",
    end({
      stderr: `[rtsp @ 0x55d0a0c5b2c0] method DESCRIBE failed: 453 Not Enough Bandwidth\n${URL}: Invalid data found when processing input\n`,
      connectMs: 10000,
      readMs: 5000,
      elapsedMs: 4200,
    }),
    CameraUnreachableError,
    "method DESCRIBE failed: 453 Not Enough Bandwidth",
  ],
  [
    "an unknown host name",
    end({
      stderr: `[tcp @ 0x5581c1f3b4c0] Failed to resolve hostname nosuchcam.invalid: Name or service not known\nrtsp://nosuchcam.invalid/stream1: Input/output error\n`,
      elapsedMs: 30,
    }),
    CameraUnreachableError,
    "rtsp://nosuchcam.invalid/stream1: Input/output error",
  ],
  [
    "a hung camera: Invalid data found after ffmpeg's socket timeout, no media",
    end({ stderr: `${URL}: Invalid data found when processing input\n`, elapsedMs: 3300 }),
    CameraTimeoutError,
    null,
  ],
  [
    "the same message at 0.8 x the socket timeout",
    end({ stderr: `${URL}: Invalid data found when processing input\n`, elapsedMs: 2400 }),
    CameraTimeoutError,
    null,
  ],
  [
    "the same message at 180 ms: a camera that closes at once (--over-limit close)",
    end({ stderr: `${URL}: Invalid data found when processing input\n`, elapsedMs: 180 }),
    CameraUnreachableError,
    `${URL}: Invalid data found when processing input`,
  ],
  [
    "a hung camera on a port that holds 453 (45319)",
    end({ stderr: "rtsp://127.0.0.1:45319/stream1: Invalid data found when processing input\n", elapsedMs: 3280 }),
    CameraTimeoutError,
    null,
  ],
  [
    "a hung Hikvision NVR channel 401",
    end({ stderr: "rtsp://10.0.0.9:554/Streaming/Channels/401: Invalid data found when processing input\n", elapsedMs: 3300 }),
    CameraTimeoutError,
    null,
  ],
  ["the connect deadline with no media", end({ timedOut: "connect", elapsedMs: 5000 }), CameraTimeoutError, null],
  ["a stream that ran and then ended with exit 0 and no message", end({ gotMedia: true, elapsedMs: 60000 }), SourceLostError, "no message"],
  [
    "a stream that ran and then stalled (Connection timed out)",
    end({ gotMedia: true, stderr: `${URL}: Connection timed out\n`, elapsedMs: 60000 }),
    SourceLostError,
    `${URL}: Connection timed out`,
  ],
  [
    "a stream that ran and then got a refusal-looking line",
    end({ gotMedia: true, stderr: `[tcp @ 0x1] Connection reset by peer\n`, elapsedMs: 60000 }),
    SourceLostError,
    "Connection reset by peer",
  ],
  ["the stall watchdog", end({ gotMedia: true, timedOut: "stall", elapsedMs: 60000 }), SourceLostError, null],
  [
    "an H.265 camera copied into FLV",
    end({
      stderr: `[flv @ 0x55e3d2f1a900] Video codec hevc not compatible with flv\nCould not write header for output file #0 (incorrect codec parameters ?): Function not implemented\n`,
      elapsedMs: 700,
    }),
    NeedsTranscodeError,
    null,
  ],
  [
    "a fast start whose SDP lacked the stream parameters",
    end({
      stderr: `[flv @ 0x5612a4b0c2c0] dimensions not set\nCould not write header for output file #0 (incorrect codec parameters ?): Invalid argument\n`,
      elapsedMs: 900,
    }),
    NeedsFullProbeError,
    null,
  ],
];

describe("classifySourceEnd", () => {
  for (const [what, e, expected, lastLine] of cases) {
    it(`classifies ${what} as ${expected.name}`, () => {
      const err = classifySourceEnd(e);
      expect(err).toBeInstanceOf(expected);
      expect(err.name).toBe(expected.name);
      expect(err.message).toContain("camera cam-7");
      if (lastLine !== null) expect(err.message).toContain(lastLine);
    });
  }

  it("answers 502 for a refusal and 504 for a camera that never answered", () => {
    expect((classifySourceEnd(cases[0]![1]) as DomainError).status).toBe(502);
    expect((classifySourceEnd(end({ timedOut: "connect" })) as DomainError).status).toBe(504);
  });

  it("names the connect deadline in seconds when the camera did not answer", () => {
    const err = classifySourceEnd(end({ timedOut: "connect", connectMs: 10000, readMs: 5000 }));
    expect(err.message).toContain("10 s");
  });

  it("puts at most one stderr line into the message, without the [demuxer @ 0x..] prefix", () => {
    for (const [, e] of cases) {
      const lines = e.stderr
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/^\[[^\]]*\]\s*/, ""));
      const err = classifySourceEnd(e);
      expect(lines.filter((l) => err.message.includes(l)).length).toBeLessThanOrEqual(1);
      expect(err.message).not.toMatch(/@ 0x[0-9a-f]+/);
    }
  });

  it("keeps an earlier line's secrets out of the message", () => {
    const err = classifySourceEnd(
      end({ stderr: `[rtsp @ 0x1] WWW-Authenticate: Digest nonce="s3cr3t-nonce"\n[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized\n` }),
    );
    expect(err).toBeInstanceOf(CameraUnreachableError);
    expect(err.message).not.toContain("s3cr3t");
    expect(err.message).toContain("401 Unauthorized");
  });
});
