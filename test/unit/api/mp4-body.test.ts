/**
 * Joined file bodies: byte ranges planned as RFC 9110 §14 reads them, and responses over
 * real files (fragments re-based as they are read, a single untouched file sent as a slice,
 * Content-Length on every answer up to the in-memory bound, long ranges cut to it).
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { joinedFileResponse, MAX_BUFFERED, planRange } from "../../../src/api/mp4-body.ts";
import { mediaFragment, readFragments } from "../../../src/media/fmp4/index.ts";

const dir = mkdtempSync(join(tmpdir(), "camserver-body-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("planRange", () => {
  it.each([
    [null, { status: 200, start: 0, end: 1000 }],
    ["bytes=0-99", { status: 206, start: 0, end: 100 }],
    ["bytes=900-", { status: 206, start: 900, end: 1000 }],
    ["bytes=990-5000", { status: 206, start: 990, end: 1000 }],
    ["bytes=-10", { status: 206, start: 990, end: 1000 }],
    ["bytes=-5000", { status: 206, start: 0, end: 1000 }],
    ["bytes=0-1,5-6", { status: 200, start: 0, end: 1000 }],
    ["bytes=1000-", { status: 416, start: 0, end: 0 }],
    ["bytes=-0", { status: 416, start: 0, end: 0 }],
    ["bytes=5-4", { status: 416, start: 0, end: 0 }],
    ["items=0-1", { status: 200, start: 0, end: 1000 }],
    ["bytes=a-b", { status: 416, start: 0, end: 0 }],
  ] as const)("plans %j", (header, plan) => {
    expect(planRange(header, 1000)).toEqual(plan);
  });
});

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const req = (range?: string) => new Request("http://x/f", { headers: range ? { range } : {} });
const sample = { data: new Uint8Array([0, 0, 0, 1, 0x65]), duration: 3000, isSync: true };

describe("joinedFileResponse", () => {
  it("re-bases each fragment as it is read and gives every answer its length", async () => {
    const a = mediaFragment({ sequenceNumber: 5, baseDecodeTime: 0, samples: [sample] });
    const b = mediaFragment({ sequenceNumber: 1, baseDecodeTime: 0, samples: [sample] });
    const head = new Uint8Array([1, 2, 3]);
    const pieces = [
      { path: file("head", head), size: 3 },
      { path: file("a", a), size: a.length, rebase: { sequence: 1, decodeTime: 0 } },
      { path: file("b", b), size: b.length, rebase: { sequence: 2, decodeTime: 3000 } },
    ];
    const r = await joinedFileResponse(req(), pieces, "video/mp4", "x.mp4");
    expect([r.status, r.headers.get("content-length"), r.headers.get("accept-ranges")]).toEqual([200, String(3 + a.length + b.length), "bytes"]);
    const body = new Uint8Array(await r.arrayBuffer());
    const frags = readFragments(body.subarray(3));
    expect(frags.map((f) => [f.sequenceNumber, f.tracks[0]!.baseDecodeTime])).toEqual([
      [1, 0],
      [2, 3000],
    ]);
    const part = await joinedFileResponse(req("bytes=2-10"), pieces, "video/mp4", "x.mp4");
    expect([part.status, part.headers.get("content-range"), part.headers.get("content-length")]).toEqual([206, `bytes 2-10/${3 + a.length + b.length}`, "9"]);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([...body.subarray(2, 11)]);
  });

  it("sends a range inside one untouched file as a slice of it", async () => {
    const p = file("raw", new Uint8Array(Array.from({ length: 100 }, (_, i) => i)));
    const r = await joinedFileResponse(req("bytes=10-19"), [{ path: p, size: 100 }], "video/h264", "x.h264");
    expect([r.status, r.headers.get("content-length")]).toEqual([206, "10"]);
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual(Array.from({ length: 10 }, (_, i) => i + 10));
  });

  it("cuts a range longer than the in-memory bound to it, saying so in Content-Range", async () => {
    const big = new Uint8Array(MAX_BUFFERED / 2 + 1);
    const pieces = [
      { path: file("big1", big), size: big.length },
      { path: file("big2", big), size: big.length },
      { path: file("big3", big), size: big.length },
    ];
    const total = big.length * 3;
    const r = await joinedFileResponse(req("bytes=0-"), pieces, "video/h264", "x.h264");
    expect([r.status, r.headers.get("content-range"), r.headers.get("content-length")]).toEqual([
      206,
      `bytes 0-${MAX_BUFFERED - 1}/${total}`,
      String(MAX_BUFFERED),
    ]);
    expect((await r.arrayBuffer()).byteLength).toBe(MAX_BUFFERED);
  });
});
