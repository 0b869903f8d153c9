/**
 * Shared inputs of the fMP4 tests: access units of the H.264 fixtures, fragments built from
 * them, and a runner for FFmpeg's tools with a kill path for every way they can end.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { splitAnnexB } from "../../../../src/media/annexb.ts";
import { type Fmp4Sample, SampleBuilder, type TimedSample } from "../../../../src/media/fmp4/index.ts";
import { NalType, isVcl, nalType } from "../../../../src/media/nal.ts";
import { fixture } from "../fixtures.ts";

/** Bytes of a file under ./fixtures (the fMP4 fixtures; see its README). */
export function fmp4Fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dir, "fixtures", name)));
}

/** SPS and PPS of clip320.h264 (see ../fixtures/README.md). */
export const CLIP_SPS = "6742c00dda0507ec0440000003004000000f03c50aa8";
export const CLIP_PPS = "68ce039c80";

/**
 * The 10 access units of clip320.h264 at 30 fps (dts = pts = i * 3000). x264 writes one
 * slice per picture there, so an access unit ends with each VCL NAL unit
 * (ITU-T H.264 §7.4.1.2.3); SPS, PPS and SEI go with the picture that follows them.
 */
export function clipAccessUnits(): AccessUnit[] {
  const aus: AccessUnit[] = [];
  let nalus: Uint8Array[] = [];
  for (const n of splitAnnexB(fixture("clip320.h264"))) {
    nalus.push(n);
    if (!isVcl(nalType(n))) continue;
    const dts = aus.length * 3000;
    aus.push({ nalus, dts, pts: dts, isKeyframe: nalus.some((x) => nalType(x) === NalType.IDR) });
    nalus = [];
  }
  return aus;
}

/** All access units as samples through a SampleBuilder; the last one flushed. */
export function samplesOf(aus: readonly AccessUnit[], timescale?: number): TimedSample[] {
  const b = new SampleBuilder(timescale === undefined ? {} : { timescale });
  const out: TimedSample[] = [];
  for (const au of aus) {
    const s = b.push(au);
    if (s) out.push(s);
  }
  const last = b.flush();
  if (last) out.push(last);
  return out;
}

/** Samples split into runs that each start at a sync sample (one GOP per fragment). */
export function gops<T extends Fmp4Sample>(samples: readonly T[]): T[][] {
  const out: T[][] = [];
  for (const s of samples) {
    if (s.isSync || out.length === 0) out.push([]);
    out.at(-1)!.push(s);
  }
  return out;
}

/** Concatenates buffers. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

const SETPRIV = Bun.which("setpriv");

/**
 * Runs an FFmpeg tool to completion and returns its output. The child is killed (SIGKILL)
 * after `timeoutMs`, and dies with the test process (`setpriv --pdeathsig KILL`) if that is
 * killed first; stdin is closed so that it never waits for input.
 */
export function runTool(cmd: string[], timeoutMs = 30_000): { code: number | null; stdout: string; stderr: string } {
  const r = Bun.spawnSync({
    cmd: SETPRIV ? [SETPRIV, "--pdeathsig", "KILL", "--", ...cmd] : cmd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
