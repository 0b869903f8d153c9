import { describe, expect, it } from "bun:test";
import { isOwnerAlive, ownerMarker, parseMarker } from "../../../src/proc/owner-marker.ts";
import { parseProcStat, readProcStat } from "../../../src/proc/proc-stat.ts";

// Field layout from proc(5); the first line is a real ffmpeg stat line from this host.
const tail = "0 -1 4194304 235 0 3 0 0 0 0 0 20 0 1 0 24617 2990080 390";

describe("parseProcStat", () => {
  it.each([
    ["a plain name", `8759 (ffmpeg) S 8758 8759 8759 ${tail}`, { pid: 8759, state: "S", pgid: 8759, startTime: "24617" }],
    ["a name with spaces and parentheses", `42 (a) b (c) Z 1 40 40 ${tail}`, { pid: 42, state: "Z", pgid: 40, startTime: "24617" }],
  ])("reads %s", (_name, text, expected) => {
    expect(parseProcStat(text)).toEqual(expected);
  });

  it.each([
    ["empty", ""],
    ["no parenthesis", "1 2 3"],
    ["cut short", "1 (x) S 0 1"],
  ])("rejects %s", (_n, text) => {
    expect(parseProcStat(text)).toBeNull();
  });

  it("reads this process and nothing for a pid that does not exist", () => {
    expect(readProcStat("self")?.pid).toBe(process.pid);
    expect(readProcStat(2 ** 22 + 1)).toBeNull();
  });
});

describe("owner marker", () => {
  it("names this process, which is alive", () => {
    const owner = parseMarker(ownerMarker())!;
    expect(owner.pid).toBe(process.pid);
    expect(isOwnerAlive(owner)).toBe(true);
  });

  it("calls an owner dead when its pid is gone or was reused", () => {
    expect(isOwnerAlive({ pid: 2 ** 22 + 1, startTime: "1" })).toBe(false);
    expect(isOwnerAlive({ pid: process.pid, startTime: "1" })).toBe(false);
  });

  it.each(["", "12", "12:", ":3", "a:1", "1:2:3", "1:2 "])("rejects marker %p", (value) => {
    expect(parseMarker(value)).toBeNull();
  });
});
