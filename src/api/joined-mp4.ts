/**
 * One MP4 from stored fMP4 segments (one recording, or several recordings for playback by
 * time), as MediaMTX's playback server builds it: the init segment of the first segment's
 * part, then every segment re-based onto one timeline (sequence numbers 1, 2, ...; decode
 * times back to back, so gaps between segments or recordings collapse). One init segment
 * serves only fragments coded with the same SPS/PPS: at the first segment whose part has a
 * different init segment the MP4 ends, and the caller says so.
 */
import { dirname } from "node:path";
import type { StoredSegment } from "../db/recording-segments-repository.ts";
import { resolveRecordingPath } from "../recordings/recording-files.ts";
import type { BodyPiece } from "./mp4-body.ts";

/** The pieces of a joined MP4. */
export interface JoinedMp4 {
  readonly pieces: BodyPiece[];
  /** Segments included. */
  readonly segments: readonly StoredSegment[];
  /** The first segment left out because its parameter sets differ, if any. */
  readonly stoppedAt: StoredSegment | undefined;
  /** Media duration of the included segments, 90 kHz ticks. */
  readonly ticks: number;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Joins fMP4 segments in the given order (see the module comment).
 * @param segments at least one, each in a part directory holding its `init.mp4`
 * @throws Error when an init segment cannot be read
 */
export async function joinFmp4(root: string, segments: readonly StoredSegment[]): Promise<JoinedMp4> {
  const inits = new Map<string, Uint8Array>();
  const initOf = async (s: StoredSegment) => {
    const dir = dirname(s.path);
    let init = inits.get(dir);
    if (!init) {
      init = await Bun.file(resolveRecordingPath(root, `${dir}/init.mp4`)).bytes();
      inits.set(dir, init);
    }
    return { dir, init };
  };
  const first = await initOf(segments[0]!);
  const pieces: BodyPiece[] = [{ path: resolveRecordingPath(root, `${first.dir}/init.mp4`), size: first.init.byteLength }];
  const included: StoredSegment[] = [];
  let ticks = 0;
  let stoppedAt: StoredSegment | undefined;
  for (const s of segments) {
    const { init } = await initOf(s);
    if (!same(init, first.init)) {
      stoppedAt = s;
      break;
    }
    pieces.push({ path: resolveRecordingPath(root, s.path), size: s.bytes, rebase: { sequence: included.length + 1, decodeTime: ticks } });
    included.push(s);
    ticks += s.ticks;
  }
  return { pieces, segments: included, stoppedAt, ticks };
}
