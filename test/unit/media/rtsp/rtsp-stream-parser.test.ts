import { describe, expect, it } from "bun:test";
import { TooLargeError } from "../../../../src/media/errors.ts";
import { BadStatusLineError, MalformedHeaderError } from "../../../../src/media/rtsp/rtsp-errors.ts";
import { type RtspItem, RtspStreamParser } from "../../../../src/media/rtsp/rtsp-stream-parser.ts";
import { RESPONSES } from "./dialects.ts";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const frame = (channel: number, payload: Uint8Array) => concat(Uint8Array.of(0x24, channel, payload.length >> 8, payload.length & 0xff), payload);

function parseAll(input: Uint8Array, chunk = input.length, p = new RtspStreamParser()): RtspItem[] {
  const out: RtspItem[] = [];
  for (let o = 0; o < input.length; o += chunk) out.push(...p.push(input.subarray(o, o + chunk)));
  return out;
}

function summary(items: RtspItem[]) {
  return items.map((i) =>
    i.kind === "frame"
      ? `frame ${i.channel} ${i.payload.length}`
      : i.kind === "response"
        ? `response ${i.response.status} ${i.response.body.length}`
        : `request ${i.request.method} ${i.request.url}`,
  );
}

describe("RtspStreamParser on camera dialects", () => {
  for (const c of RESPONSES) {
    it(`reads ${c.name} (${c.source})`, () => {
      const end = c.text.indexOf("\r\n\r\n");
      const lf = `${c.text.slice(0, end).replace(/\r\n/g, "\n")}\n\n${c.text.slice(end + 4)}`; // bare LF in the head
      for (const text of [c.text, lf]) {
        const items = parseAll(bytes(text));
        expect(items.length).toBe(1);
        const r = items[0]!;
        if (r.kind !== "response") throw new Error("not a response");
        expect(r.response.status).toBe(c.status);
        for (const [k, v] of Object.entries(c.headers)) expect(r.response.headers.get(k)).toBe(v);
        const cl = r.response.headers.get("Content-Length");
        expect(r.response.body.length).toBe(cl === undefined ? 0 : Number(cl));
      }
    });
  }

  it("reads the Tapo 401's two WWW-Authenticate fields in order", () => {
    const r = parseAll(bytes(RESPONSES[1]!.text))[0]!;
    if (r.kind !== "response") throw new Error("not a response");
    expect(r.response.headers.getAll("www-authenticate")).toEqual([
      'Basic realm="TP-LINK IP-Camera"',
      'Digest realm="TP-LINK IP-Camera", nonce="6100befdab6f407276c35030a302430b"',
    ]);
  });

  it("reads a whole session's worth of every dialect back to back in one stream", () => {
    const all = RESPONSES.map((c) => c.text).join("");
    expect(parseAll(bytes(all)).map((i) => (i.kind === "response" ? i.response.status : 0))).toEqual(RESPONSES.map((c) => c.status));
  });
});

describe("RtspStreamParser interleaved framing (RFC 2326 §10.12)", () => {
  const rtp = Uint8Array.from({ length: 1400 }, (_, i) => (i * 7) & 0xff);
  const rtcp = Uint8Array.from({ length: 28 }, (_, i) => 0x80 + i);
  const play = bytes("RTSP/1.0 200 OK\r\nCSeq: 5\r\nSession: 1234\r\nRTP-Info: url=rtsp://cam/stream1/track1;seq=1;rtptime=2\r\n\r\n");
  const stream = concat(
    play,
    frame(0, rtp),
    frame(1, rtcp),
    frame(0, rtp.subarray(0, 1)),
    frame(0, new Uint8Array(0)),
    bytes("RTSP/1.0 200 OK\r\nCSeq: 6\r\nContent-Length: 3\r\n\r\nabc"),
    frame(0, rtp),
  );
  const expected = ["response 200 0", "frame 0 1400", "frame 1 28", "frame 0 1", "frame 0 0", "response 200 3", "frame 0 1400"];

  it("gives the same items however the stream is cut in two, at every byte boundary", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new RtspStreamParser();
      const items = [...p.push(stream.subarray(0, cut)), ...p.push(stream.subarray(cut))];
      expect(summary(items)).toEqual(expected);
      expect(p.buffered).toBe(0);
    }
  });

  it("gives the same items fed one byte at a time, and the payloads are intact", () => {
    const items = parseAll(stream, 1);
    expect(summary(items)).toEqual(expected);
    const f = items[1]!;
    expect(f.kind === "frame" && f.payload).toEqual(rtp);
  });

  it("returns payloads that later input does not overwrite", () => {
    const p = new RtspStreamParser();
    const [a] = p.push(frame(0, Uint8Array.of(1, 2, 3)));
    p.push(frame(0, Uint8Array.of(9, 9, 9)));
    expect(a!.kind === "frame" && [...a!.payload]).toEqual([1, 2, 3]);
  });

  it("skips stray CR/LF and NUL bytes between messages", () => {
    const items = parseAll(concat(bytes("\r\n\0\0"), frame(2, rtcp), bytes("\r\n"), play));
    expect(summary(items)).toEqual(["frame 2 28", "response 200 0"]);
  });

  it("reads a request the server sends the client (an OPTIONS ping) with its CSeq", () => {
    const [r] = parseAll(bytes("OPTIONS * RTSP/1.0\r\nCSeq: 9\r\n\r\n"));
    expect(r!.kind === "request" && [r!.request.method, r!.request.url, r!.request.headers.get("cseq")]).toEqual(["OPTIONS", "*", "9"]);
  });

  it("joins a folded header line to the field before it", () => {
    const [r] = parseAll(bytes("RTSP/1.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE,\r\n SETUP, PLAY\r\n\r\n"));
    expect(r!.kind === "response" && r!.response.headers.get("Public")).toBe("OPTIONS, DESCRIBE, SETUP, PLAY");
  });

  it("accepts a status line without a reason phrase", () => {
    const [r] = parseAll(bytes("RTSP/1.0 200\r\nCSeq: 2\r\n\r\n"));
    expect(r!.kind === "response" && [r!.response.status, r!.response.reason]).toEqual([200, ""]);
  });
});

describe("RtspStreamParser limits and garbage", () => {
  it("ends the session on a bad status line as soon as the line is complete", () => {
    for (const line of ["HTTP/1.1 200 OK\r\n", "RTSP/1.0 abc OK\r\n", "RTSP/1.0 20 OK\r\n", "hello camera\r\n"]) {
      expect(() => parseAll(bytes(line))).toThrow(BadStatusLineError);
    }
  });

  it("ends the session on a header section over 8 KiB, even one never finished", () => {
    const long = `RTSP/1.0 200 OK\r\nX-Pad: ${"a".repeat(9000)}\r\n\r\n`;
    expect(() => parseAll(bytes(long))).toThrow(TooLargeError);
    const p = new RtspStreamParser();
    p.push(bytes("RTSP/1.0 200 OK\r\n"));
    expect(() => {
      for (let i = 0; i < 100; i++) p.push(bytes(`X-Header-${i}: ${"b".repeat(100)}\r\n`));
    }).toThrow(TooLargeError);
    expect(p.buffered).toBeLessThan(8192 + 200);
  });

  it("ends the session on a Content-Length over 64 KiB before reading the body", () => {
    expect(() => parseAll(bytes("RTSP/1.0 200 OK\r\nContent-Length: 65537\r\n\r\n"))).toThrow(TooLargeError);
    expect(() => parseAll(bytes("RTSP/1.0 200 OK\r\nContent-Length: ten\r\n\r\n"))).toThrow(MalformedHeaderError);
    expect(parseAll(bytes(`RTSP/1.0 200 OK\r\nContent-Length: 65536\r\n\r\n${"x".repeat(65536)}`)).length).toBe(1);
  });

  it("ends the session on an interleaved frame over the frame limit", () => {
    const p = new RtspStreamParser({ maxFrameBytes: 1000 });
    expect(() => p.push(Uint8Array.of(0x24, 0, 0x03, 0xe9))).toThrow(TooLargeError);
    expect(parseAll(frame(0, new Uint8Array(65535))).length).toBe(1); // the default 256 KiB is above any 16-bit length
  });

  it("ends the session after 8 KiB of bytes that start no message", () => {
    expect(() => parseAll(new Uint8Array(9000).fill(0x01))).toThrow(BadStatusLineError);
    expect(() => new RtspStreamParser({ maxHeaderBytes: 0 })).toThrow();
  });
});

describe("RtspStreamParser copies", () => {
  it("hands on a frame that lies whole in a chunk as a view of that chunk, and one completed from a remainder as its own copy", () => {
    const p = new RtspStreamParser();
    const a = Uint8Array.from({ length: 50 }, (_, i) => i);
    const chunk = concat(frame(0, a), frame(0, a).subarray(0, 20));
    const [first] = p.push(chunk);
    expect(first?.kind === "frame" && first.payload.buffer).toBe(chunk.buffer);
    const [second] = p.push(frame(0, a).subarray(20));
    expect(second?.kind === "frame" && [...second.payload]).toEqual([...a]);
    expect(second?.kind === "frame" && second.payload.buffer).not.toBe(chunk.buffer);
    chunk.fill(0); // the parser keeps nothing of the chunk it copied out
    expect(second?.kind === "frame" && [...second.payload]).toEqual([...a]);
  });
});
