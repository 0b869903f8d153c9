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
  /** Lines of segments, each rendered once. */
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

  /**
   * A segment's lines, each rendered once: its date and each part's line as they come, and
   * once complete its EXTINF and whole blocks (a playlist is rendered per part, 5 a second).
   */
  private lines(s: PlaylistSegment): SegmentLines {
    let r = this.rendered.get(s);
    if (!r) this.rendered.set(s, (r = { date: `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateMs).toISOString()}\n`, parts: [] }));
    while (r.parts.length < s.parts.length) r.parts.push(partLine(s.parts[r.parts.length]!));
    if (s.name !== undefined && r.whole === undefined) {
      const extinf = `#EXTINF:${sec(s.durationSec)},\n${s.name}\n`;
      r.whole = r.date + r.parts.join("") + extinf;
      r.brief = r.date + extinf;
    }
    return r;
  }

  /** The playlist text. */
  render(): string {
    const partTarget = this.partTarget;
    const edge = this.edge();
    let out =
      "#EXTM3U\n#EXT-X-VERSION:6\n" +
      `#EXT-X-TARGETDURATION:${this.targetDuration}\n` +
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${sec(3 * partTarget)},HOLD-BACK=${sec(3 * this.targetDuration)}\n` +
      `#EXT-X-PART-INF:PART-TARGET=${sec(partTarget)}\n` +
      `#EXT-X-MEDIA-SEQUENCE:${edge.firstMsn}\n`;
    if (this.discontinuitySequence > 0) out += `#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySequence}\n`;
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
    // Parts are listed for segments that end within three target durations of the live edge (§4.4.4.9).
    const listed = this.open && this.open.parts.length > 0 ? [...this.window, this.open] : this.window;
    let fromEnd = 0;
    for (const s of listed) fromEnd += s.durationSec;
    let map: string | undefined;
    for (let i = 0; i < listed.length; i++) {
      const s = listed[i]!;
      fromEnd -= s.durationSec;
      if (s.discontinuity && i > 0) out += "#EXT-X-DISCONTINUITY\n";
      if (s.map !== map) out += `#EXT-X-MAP:URI="${(map = s.map)}"\n`;
      const r = this.lines(s);
      if (s === this.open) out += r.date + r.parts.join("");
      else out += fromEnd < 3 * this.targetDuration ? r.whole! : r.brief!;
    }
    return `${out}#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${this.opts.partName(edge.msn, edge.parts)}"\n`;
  }
}

/** A segment's rendered lines, each ending in a newline. */
interface SegmentLines {
  readonly date: string;
  /** One line per part rendered so far. */
  readonly parts: string[];
  /** Once complete: date, parts and EXTINF with the URI. */
  whole?: string;
  /** Once complete: date and EXTINF with the URI, without parts. */
  brief?: string;
}

function partLine(p: PlaylistPart): string {
  return `#EXT-X-PART:DURATION=${sec(p.durationSec)},URI="${p.name}"${p.independent ? ",INDEPENDENT=YES" : ""}\n`;
}

/** Seconds as the playlist writes them: 5 decimals. */
function sec(v: number): string {
  return v.toFixed(5);
}
