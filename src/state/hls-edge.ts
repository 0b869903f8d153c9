/**
 * The live edge of a camera's LL-HLS playlist: which segment is in progress and how many of
 * its parts are complete. The worker stores it with every playlist update and publishes it
 * on the camera's channel; the API judges blocking playlist reloads and requests for the
 * preload-hinted part against it (draft-pantos-hls-rfc8216bis §6.2.5.2 Playlist Delivery
 * Directives, §6.2.6 preload hints).
 */

/** The end of a live playlist, as its writer last published it. */
export interface HlsEdge {
  /** Run id that prefixes the file names of the output that wrote the playlist. */
  readonly run: string;
  /** Media sequence number of the first segment listed (EXT-X-MEDIA-SEQUENCE). */
  readonly firstMsn: number;
  /** Media sequence number of the segment in progress: the last complete segment's + 1. */
  readonly msn: number;
  /** Complete parts of the segment in progress, listed with EXT-X-PART. */
  readonly parts: number;
  /** Parts of the last complete segment (`msn - 1`). */
  readonly lastParts: number;
  /** EXT-X-TARGETDURATION, seconds. */
  readonly targetSec: number;
  /** PART-TARGET of EXT-X-PART-INF, seconds. */
  readonly partTargetSec: number;
}

/**
 * Whether a playlist with this edge contains segment `msn` (no `part`) or part `part` of
 * segment `msn`, i.e. whether a blocking reload for `_HLS_msn=msn&_HLS_part=part` can be
 * answered (§6.2.5.2). A part index past the last part of a complete segment stands for
 * part 0 of the next segment, as the section says. Segments older than the playlist count
 * as contained: the current playlist is newer than what was asked for.
 */
export function edgeHas(edge: HlsEdge, msn: number, part?: number): boolean {
  if (part === undefined) return msn < edge.msn;
  if (msn < edge.msn - 1) return true;
  if (msn === edge.msn - 1) return part < edge.lastParts || edge.parts > 0;
  return msn === edge.msn && part < edge.parts;
}

/**
 * Whether a delivery directive asks for more than §6.2.5.2 lets a client wait for, so the
 * server answers 400 at once: `_HLS_msn` above the last complete segment's number plus two,
 * or `_HLS_part` more than the Advance Part Limit (3 / PART-TARGET when PART-TARGET is under
 * a second, else 3) past the last part listed. Parts of the next segment are counted as if it
 * had as many parts as the last complete one.
 */
export function edgeTooFar(edge: HlsEdge, msn: number, part?: number): boolean {
  if (msn > edge.msn + 1) return true;
  if (part === undefined || msn < edge.msn) return false;
  const limit = edge.partTargetSec > 0 && edge.partTargetSec < 1 ? 3 / edge.partTargetSec : 3;
  const perSegment = Math.max(edge.lastParts, edge.parts);
  const ahead = msn === edge.msn ? part - (edge.parts - 1) : part + 1 + Math.max(0, perSegment - edge.parts);
  return ahead > limit;
}

/** How long a request may wait for the edge to move, ms: three target durations (§6.2.5.2). */
export function edgeWaitMs(edge: HlsEdge): number {
  return Math.max(1, edge.targetSec) * 3000;
}

/** The edge as stored in Redis and sent on the playlist channel. */
export function encodeEdge(edge: HlsEdge): string {
  return JSON.stringify(edge);
}

/** Parses a stored or published edge; undefined when the text is not one. */
export function decodeEdge(text: string | null | undefined): HlsEdge | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const e = v as Record<string, unknown>;
  const ints = ["firstMsn", "msn", "parts", "lastParts"].every((k) => Number.isSafeInteger(e[k]) && (e[k] as number) >= 0);
  const secs = ["targetSec", "partTargetSec"].every((k) => typeof e[k] === "number" && Number.isFinite(e[k]) && (e[k] as number) >= 0);
  return ints && secs && typeof e.run === "string" ? (e as unknown as HlsEdge) : undefined;
}
