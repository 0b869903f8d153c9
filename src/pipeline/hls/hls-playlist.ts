/**
 * The live LL-HLS media playlist of one camera (draft-pantos-hls-rfc8216bis): a sliding
 * window of complete segments (EXTINF, so regular HLS players play it) with
 * EXT-X-MEDIA-SEQUENCE (§4.4.3.2) and EXT-X-DISCONTINUITY-SEQUENCE (§4.4.3.3), EXT-X-MAP
 * (§4.4.4.5) before the first segment and wherever the init segment changes,
 * EXT-X-PROGRAM-DATE-TIME (§4.4.4.6) on every segment, and the low-latency tags:
 * EXT-X-SERVER-CONTROL (§4.4.3.8), EXT-X-PART-INF (§4.4.3.7), EXT-X-PART (§4.4.4.9) for the
 * last segments and the one in progress, and EXT-X-PRELOAD-HINT (§4.4.5.3) for the next part.
 *
 * EXT-X-VERSION is 6: EXT-X-MAP in a playlist without EXT-X-I-FRAMES-ONLY needs it (§7);
 * the low-latency tags ask for no version.
 */
import type { HlsEdge } from "../../state/hls-edge.ts";

/** One part as the playlist lists it. */
export interface PlaylistPart {
  /** File name, relative to the playlist. */
  readonly name: string;
  /** Seconds. */
  readonly durationSec: number;
  /** Starts with an IDR (INDEPENDENT=YES). */
  readonly independent: boolean;
}

/** How a segment begins: what the playlist needs before its first part. */
export interface PlaylistSegmentStart {
  /** Media sequence number; one more than the previous segment's. */
  readonly msn: number;
  /** Init segment file name (EXT-X-MAP URI). */
  readonly map: string;
  /** A discontinuity precedes it. */
  readonly discontinuity: boolean;
  /** Epoch ms of its first access unit (EXT-X-PROGRAM-DATE-TIME). */
  readonly programDateMs: number;
}

/** A segment in the window, complete or in progress. */
export interface PlaylistSegment extends PlaylistSegmentStart {
  /** File name once complete. */
  name?: string;
  /** Seconds once complete. */
  durationSec: number;
  readonly parts: PlaylistPart[];
}

/** Options of {@link HlsPlaylist}. */
export interface HlsPlaylistOptions {
  /** Run id of the writer (for the edge). */
  readonly run: string;
  /** File name of part `index` of segment `msn` (for EXT-X-PRELOAD-HINT). */
  readonly partName: (msn: number, index: number) => string;
  /** Fewest complete segments listed (more when needed for three target durations). @defaultValue 6 */
  readonly windowSize?: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE to start from (continuing another writer's playlist). @defaultValue 0 */
  readonly discontinuitySequence?: number;
}

/** Writes the playlist of one HLS output. */
export class HlsPlaylist {
  private readonly window: PlaylistSegment[] = [];
  /** Lines of complete segments, rendered once. */
  private readonly rendered = new WeakMap<PlaylistSegment, SegmentLines>();
  private open: PlaylistSegment | undefined;
  private discontinuitySequence: number;
  private targetDuration = 1;
  private partTargetSec = 0;
  private readonly windowSize: number;

  constructor(private readonly opts: HlsPlaylistOptions) {
    this.windowSize = opts.windowSize ?? 6;
    this.discontinuitySequence = opts.discontinuitySequence ?? 0;
  }

  /** Declares the part target, seconds; PART-TARGET is the largest of it and every part listed so far. */
  setPartTarget(sec: number): void {
    this.partTargetSec = Math.max(this.partTargetSec, sec);
  }

  /** A segment begins (its parts follow). */
  startSegment(s: PlaylistSegmentStart): void {
    this.open = { ...s, durationSec: 0, parts: [] };
  }

  /** A part of the segment in progress is complete. */
  addPart(part: PlaylistPart): void {
    if (!this.open) throw new Error("HlsPlaylist.addPart: no segment in progress");
    this.open.parts.push(part);
    this.open.durationSec += part.durationSec;
    this.partTargetSec = Math.max(this.partTargetSec, part.durationSec);
  }

  /**
   * The segment in progress is complete under `name`. The oldest segments slide out while
   * more than `windowSize` are listed and the rest last three target durations (§6.2.2).
   * @returns the segments that slid out (the caller retires their files)
   */
  endSegment(name: string, durationSec: number): PlaylistSegment[] {
    const s = this.open;
    if (!s) throw new Error("HlsPlaylist.endSegment: no segment in progress");
    this.open = undefined;
    s.name = name;
    s.durationSec = durationSec;
    this.window.push(s);
    // §4.4.3.1: every EXTINF rounded to the nearest integer must not exceed the target; it
    // never shrinks. (Rounding up would turn a 1.03 s GOP into a 2 s target, and double the hold-back.)
    this.targetDuration = Math.max(this.targetDuration, Math.round(durationSec));
    const gone: PlaylistSegment[] = [];
    let total = this.window.reduce((t, x) => t + x.durationSec, 0);
    while (this.window.length > this.windowSize && total - this.window[0]!.durationSec >= 3 * this.targetDuration) {
      const old = this.window.shift()!;
      total -= old.durationSec;
      if (this.window[0]!.discontinuity) this.discontinuitySequence++;
      gone.push(old);
    }
    return gone;
  }

  /** Complete segments listed. */
  get length(): number {
    return this.window.length;
  }

  /** Segments listed, complete ones first, then the one in progress; for retiring files. */
  get segments(): readonly PlaylistSegment[] {
    return this.open ? [...this.window, this.open] : this.window;
  }

  /** PART-TARGET, seconds, rounded up to 10 µs. */
  get partTarget(): number {
    return Math.ceil(this.partTargetSec * 1e5 - 1e-6) / 1e5;
  }

  /** Where the playlist ends, for blocking reloads. */
  edge(): HlsEdge {
    const last = this.window.at(-1);
    return {
      run: this.opts.run,
      firstMsn: this.window[0]?.msn ?? this.open?.msn ?? 0,
      msn: this.open?.msn ?? (last ? last.msn + 1 : 0),
      parts: this.open?.parts.length ?? 0,
      lastParts: last?.parts.length ?? 0,
      targetSec: this.targetDuration,
      partTargetSec: this.partTarget,
    };
  }

  /** The lines of a complete segment, made once: it no longer changes (a playlist is rendered per part). */
  private completeLines(s: PlaylistSegment): SegmentLines {
    let text = this.rendered.get(s);
    if (!text) this.rendered.set(s, (text = segmentLines(s)));
    return text;
  }

  /** The playlist text. */
  render(): string {
    const partTarget = this.partTarget;
    const edge = this.edge();
    const lines = [
      "#EXTM3U",
      "#EXT-X-VERSION:6",
      `#EXT-X-TARGETDURATION:${this.targetDuration}`,
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${sec(3 * partTarget)},HOLD-BACK=${sec(3 * this.targetDuration)}`,
      `#EXT-X-PART-INF:PART-TARGET=${sec(partTarget)}`,
      `#EXT-X-MEDIA-SEQUENCE:${edge.firstMsn}`,
    ];
    if (this.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySequence}`);
    lines.push("#EXT-X-INDEPENDENT-SEGMENTS");
    // Parts are listed for segments that end within three target durations of the live edge (§4.4.4.9).
    const listed = [...this.window, ...(this.open && this.open.parts.length > 0 ? [this.open] : [])];
    let fromEnd = listed.reduce((t, s) => t + s.durationSec, 0);
    let map: string | undefined;
    listed.forEach((s, i) => {
      fromEnd -= s.durationSec;
      if (s.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
      if (s.map !== map) lines.push(`#EXT-X-MAP:URI="${(map = s.map)}"`);
      const text = s === this.open ? segmentLines(s) : this.completeLines(s);
      lines.push(text.date);
      if (s === this.open || fromEnd < 3 * this.targetDuration) lines.push(...text.parts);
      if (s !== this.open) lines.push(text.extinf);
    });
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${this.opts.partName(edge.msn, edge.parts)}"`);
    return `${lines.join("\n")}\n`;
  }
}

/** A segment's own lines: its date, its parts and (complete) its EXTINF with its URI. */
interface SegmentLines {
  readonly date: string;
  readonly parts: readonly string[];
  readonly extinf: string;
}

function segmentLines(s: PlaylistSegment): SegmentLines {
  return {
    date: `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateMs).toISOString()}`,
    parts: s.parts.map((p) => `#EXT-X-PART:DURATION=${sec(p.durationSec)},URI="${p.name}"${p.independent ? ",INDEPENDENT=YES" : ""}`),
    extinf: `#EXTINF:${sec(s.durationSec)},\n${s.name}`,
  };
}

/** Seconds as the playlist writes them: 5 decimals. */
function sec(v: number): string {
  return v.toFixed(5);
}
