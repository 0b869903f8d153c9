import { describe, expect, it } from "bun:test";
import { StderrTail } from "../../../src/proc/stderr-tail.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const redactUrl = (text: string) => text.replace(/\/\/[^/@\s]*@/g, "//***@");

describe("StderrTail", () => {
  it.each([
    ["whole lines", ["a\nb\n"], 100, "a\nb\n"],
    ["an unfinished last line", ["a\nb"], 100, "a\nb"],
    ["\\r progress lines and \\r\\n as line ends", ["frame=1\rframe=2\r\nend\n"], 100, "frame=1\nframe=2\nend\n"],
    ["only the last bytes", ["line one\nline two\nline three\n"], 11, "line three\n"],
    ["a cut inside a line", ["0123456789\n"], 4, "789\n"],
    ["nothing for 0 bytes", ["abc\n"], 0, ""],
  ])("keeps %s", (_name, chunks, maxBytes, expected) => {
    const tail = new StderrTail(maxBytes, (t) => t);
    for (const c of chunks) tail.push(enc(c));
    expect(tail.text()).toBe(expected);
  });

  it("redacts a credential split across two reads", () => {
    const tail = new StderrTail(1000, redactUrl);
    tail.push(enc("[rtsp @ 0x1] rtsp://admin:hun"));
    tail.push(enc("ter2@10.0.0.5/live: Connection refused\n"));
    expect(tail.text()).toBe("[rtsp @ 0x1] rtsp://***@10.0.0.5/live: Connection refused\n");
  });

  it("redacts the unfinished last line too", () => {
    const tail = new StderrTail(1000, redactUrl);
    tail.push(enc("rtsp://u:p@h/x"));
    expect(tail.text()).toBe("rtsp://***@h/x");
  });

  it("decodes a UTF-8 character split across reads and never cuts one in half", () => {
    const tail = new StderrTail(5, (t) => t);
    const bytes = enc("ééé\n"); // 7 bytes
    tail.push(bytes.subarray(0, 3));
    tail.push(bytes.subarray(3));
    expect(tail.text()).toBe("éé\n");
  });

  it("stays bounded when a line never ends", () => {
    const tail = new StderrTail(64, (t) => t);
    for (let i = 0; i < 1000; i++) tail.push(enc("x".repeat(50)));
    expect(Buffer.byteLength(tail.text())).toBeLessThanOrEqual(64);
  });
});
