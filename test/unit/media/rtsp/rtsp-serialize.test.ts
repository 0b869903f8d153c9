import { describe, expect, it } from "bun:test";
import { InvalidFieldError } from "../../../../src/media/errors.ts";
import { RtspHeaders } from "../../../../src/media/rtsp/rtsp-message.ts";
import { serializeRequest, serializeResponse } from "../../../../src/media/rtsp/rtsp-serialize.ts";
import { RtspStreamParser } from "../../../../src/media/rtsp/rtsp-stream-parser.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("RTSP request serializer (RFC 2326 §6)", () => {
  it("writes the request line, fields in order and the empty line", () => {
    const h = new RtspHeaders([
      ["CSeq", "2"],
      ["User-Agent", "camserver"],
      ["Accept", "application/sdp"],
    ]);
    expect(text(serializeRequest("DESCRIBE", "rtsp://cam/stream1", h))).toBe(
      "DESCRIBE rtsp://cam/stream1 RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: camserver\r\nAccept: application/sdp\r\n\r\n",
    );
  });

  it("writes Content-Length from the body and ignores one passed in", () => {
    const out = serializeRequest("SET_PARAMETER", "rtsp://cam/", new RtspHeaders([["Content-Length", "99"]]), new TextEncoder().encode("a: b\r\n"));
    expect(text(out)).toBe("SET_PARAMETER rtsp://cam/ RTSP/1.0\r\nContent-Length: 6\r\n\r\na: b\r\n");
  });

  it("refuses line breaks in values, spaces in the URL and a method that is no token", () => {
    expect(() => serializeRequest("OPTIONS", "rtsp://cam/", new RtspHeaders([["X", "a\r\nInjected: 1"]]))).toThrow(InvalidFieldError);
    expect(() => serializeRequest("OPTIONS", "rtsp://cam/a b", new RtspHeaders())).toThrow(InvalidFieldError);
    expect(() => serializeRequest("OPT IONS", "rtsp://cam/", new RtspHeaders())).toThrow(InvalidFieldError);
    expect(() => serializeRequest("OPTIONS", "rtsp://cam/", new RtspHeaders([["Bad Name", "x"]]))).toThrow(InvalidFieldError);
  });

  it("round-trips a response through the stream parser", () => {
    const bytes = serializeResponse(200, "OK", new RtspHeaders([["CSeq", "9"]]), new Uint8Array([1, 2, 3]));
    const [r] = new RtspStreamParser().push(bytes);
    expect(r!.kind === "response" && [r!.response.status, r!.response.headers.get("cseq"), [...r!.response.body]]).toEqual([200, "9", [1, 2, 3]]);
    expect(() => serializeResponse(42, "x", new RtspHeaders())).toThrow(InvalidFieldError);
  });
});
