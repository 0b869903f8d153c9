import { describe, expect, it } from "bun:test";
import { DomainError } from "../../../../src/errors.ts";
import { TruncatedError } from "../../../../src/media/errors.ts";
import { BadStatusLineError, SdpError, UnsupportedAuthError } from "../../../../src/media/rtsp/rtsp-errors.ts";
import { RtspClosedError, RtspStatusError, RtspTimeoutError } from "../../../../src/pipeline/source/rtsp-client.ts";
import { RtspConnectError } from "../../../../src/pipeline/source/rtsp-connection.ts";
import type { NativeUnsupportedError } from "../../../../src/pipeline/source/source.ts";
import { classifyRtspEnd, RtspNoVideoError, RtspStallError, RtspStoppedError, RtspUnsupportedError } from "../../../../src/pipeline/source/rtsp-failure.ts";

const redact = (t: string) => t.replaceAll("s3cret", "***");
const end = (error: unknown, live = false) => classifyRtspEnd({ cameraId: "cam1", error, live, redact });

describe("classifyRtspEnd", () => {
  // [what happened, error, live, domain error class, HTTP status, message]
  // A source signal (SourceLostError, NativeUnsupportedError) carries no HTTP status: null.
  const cases: [string, unknown, boolean, string, number | null, string][] = [
    [
      "TCP refused",
      new RtspConnectError("refused", "connection refused by 10.0.0.5:554"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: connection refused by 10.0.0.5:554",
    ],
    [
      "unknown host",
      new RtspConnectError("unknown-host", "unknown host cam.invalid"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: unknown host cam.invalid",
    ],
    [
      "no TCP within the timeout",
      new RtspConnectError("timeout", "no TCP connection to 10.0.0.5:554 within 3000 ms"),
      false,
      "CameraTimeoutError",
      504,
      "camera cam1 did not answer within the connect timeout (no TCP connection to 10.0.0.5:554 within 3000 ms)",
    ],
    [
      "401 after the retry",
      new RtspStatusError("DESCRIBE", 401, "Unauthorized"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: 401 Unauthorized (DESCRIBE)",
    ],
    [
      "453 client limit",
      new RtspStatusError("SETUP", 453, "Not Enough Bandwidth"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: 453 Not Enough Bandwidth (SETUP)",
    ],
    [
      "454 session gone",
      new RtspStatusError("PLAY", 454, "Session Not Found"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: 454 Session Not Found (PLAY)",
    ],
    [
      "only SHA-256 digest offered",
      new UnsupportedAuthError("digest realm,nonce,algorithm"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: 401 Unauthorized (no supported authentication scheme)",
    ],
    ["no answer to OPTIONS", new RtspTimeoutError("OPTIONS", 3000), false, "CameraTimeoutError", 504, "camera cam1 did not answer within 3 s (OPTIONS)"],
    ["no video within connectMs", new RtspNoVideoError(5000), false, "CameraTimeoutError", 504, "camera cam1 did not answer within 5 s (no video)"],
    [
      "closed before video",
      new RtspClosedError({ kind: "closed" }),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 refused: it closed the connection before video",
    ],
    [
      "garbage on the connection",
      new RtspClosedError({ kind: "protocol", error: new BadStatusLineError("HTTP/1.1 400") }),
      false,
      "CameraUnreachableError",
      502,
      'camera cam1 sent a malformed RTSP message: RTSP: bad status line "HTTP/1.1 400"',
    ],
    [
      "an unusable SDP",
      new SdpError("no media section (m= line)"),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 sent an unusable SDP: no media section (m= line)",
    ],
    ["H.265", new RtspUnsupportedError("video is H.265", true), false, "NativeUnsupportedError", null, "camera cam1: video is H.265"],
    ["closed mid-stream", new RtspClosedError({ kind: "closed" }), true, "SourceLostError", null, "camera cam1 stream ended: the camera closed the connection"],
    [
      "reset mid-stream",
      new RtspClosedError({ kind: "error", error: new Error("ECONNRESET") }),
      true,
      "SourceLostError",
      null,
      "camera cam1 stream ended: connection ended: ECONNRESET",
    ],
    ["stall", new RtspStallError(5000), true, "SourceLostError", null, "camera cam1 stalled: no video for 5 s"],
    ["stopped", new RtspStoppedError(), false, "SourceLostError", null, "camera cam1: session stopped"],
    [
      "a malformed packet error",
      new TruncatedError("RTP header", 12, 3),
      false,
      "CameraUnreachableError",
      502,
      "camera cam1 sent something unusable: RTP header: needs 12 bytes, has 3",
    ],
  ];
  for (const [what, error, live, name, status, message] of cases) {
    it(`maps ${what}${live ? " after video" : ""} to ${name}`, () => {
      const e = end(error, live);
      expect([e.name, e instanceof DomainError ? e.status : null, e.message]).toEqual([name, status, message]);
      expect(e instanceof DomainError).toBe(status !== null);
    });
  }

  it("asks for a transcoding fallback for H.265 only", () => {
    expect((end(new RtspUnsupportedError("video is H.265", true)) as NativeUnsupportedError).transcode).toBe(true);
    expect((end(new RtspUnsupportedError("the camera refuses RTP over TCP")) as NativeUnsupportedError).transcode).toBe(false);
  });

  it("removes credentials from what the camera said", () => {
    expect(end(new RtspStatusError("DESCRIBE", 403, "Forbidden for user s3cret")).message).toBe("camera cam1 refused: 403 Forbidden for user *** (DESCRIBE)");
  });
});
