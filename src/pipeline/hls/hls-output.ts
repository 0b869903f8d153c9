/**
 * The HLS output of one camera while it has HLS sessions, in-process: access units go
 * through the fMP4 segmenter (init segments, segments, LL-HLS parts) and the playlist, and
 * the files and the playlist that names them go to Redis together, so any API process can
 * serve the session and wake its blocked playlist requests.
 *
 * `offer` never waits: segmenting is synchronous and cheap; Redis writes run one batch at a
 * time, and whatever became ready while a batch was in flight goes in the next one. Files of
 * a segment that slid out of the playlist stay `retiredKept` segments longer for players that
 * are behind, then are deleted; everything is deleted on stop. If Redis falls behind, files
 * not yet written when they retire are never written (counted in `dropped`), so memory stays
 * bounded by the window. Parts are written into pooled buffers with room for their RPUSH
 * framing, sent from there (`rpushFramed`) and taken back once Redis has them, so a live
 * camera neither copies nor faults in fresh pages for every part.
 *
 * A playlist left in Redis by another output of the camera (its holder died and this worker
 * took the camera over) is continued: media sequence numbers go on after its last segment,
 * after a discontinuity, so players waiting on it with blocking reloads carry on.
 */
import { randomBytes } from "node:crypto";
import type { AccessUnit } from "../../media/access-unit.ts";
import { BufferPool } from "../../media/buffer-pool.ts";
import { RESP_HEADROOM, RESP_TAILROOM } from "../../state/framed-rpush.ts";
import { type HlsFile, type HlsSegmentStore, parsePartName, SEGMENT_TTL_S, segmentOfPart } from "../../state/hls-segment-store.ts";
import type { Output } from "../outputs/output.ts";
import type { Consumer, Pipeline } from "../pipeline.ts";
import { CLOCK, Fmp4Segmenter, type Fmp4SegmenterOptions, type SegmenterEvent } from "./fmp4-segmenter.ts";
import { HlsPlaylist, type PlaylistSegment } from "./hls-playlist.ts";

/** Options of {@link HlsOutput}. */
export interface HlsOutputOptions extends Fmp4SegmenterOptions {
  /** Fewest complete segments the playlist lists. @defaultValue 6 */
  readonly windowSize?: number;
  /** Segments whose files stay in Redis after they slid out of the playlist. @defaultValue 4 */
  readonly retiredKept?: number;
  /** Wall clock, epoch ms (EXT-X-PROGRAM-DATE-TIME). @defaultValue Date.now */
  readonly now?: () => number;
}

/** HLS output of one camera. */
export class HlsOutput implements Consumer, Output {
  readonly kind = "hls";
  /** Prefix of this output's file names, so outputs never collide. */
  readonly run = randomBytes(4).toString("hex");
  private segmenter: Fmp4Segmenter;
  private readonly parts = new BufferPool();
  private readonly segmenterOpts: Fmp4SegmenterOptions;
  private playlist: HlsPlaylist;
  private readonly now: () => number;
  private readonly retiredKept: number;
  private readonly windowSize: number;
  private readonly initNames: string[] = [];
  /** Files not written yet, and the access units of the parts among them. */
  private pending: HlsFile[] = [];
  private readonly pendingUnits = new Map<string, number>();
  /** Names written (or being written) and not deleted. */
  private readonly stored = new Set<string>();
  private readonly retired: string[][] = [];
  private toRemove: string[] = [];
  private writing: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private lost = 0;
  /** Wall clock of the cached GOP's access units while `attach` hands them over. */
  private cachedClock: ((au: AccessUnit) => number) | undefined;
  /** Redis batches that failed (their files are retried with the next one). */
  writeFailures = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly cameraId: string,
    private readonly store: HlsSegmentStore,
    opts: HlsOutputOptions = {},
  ) {
    // Room around each part for its RPUSH framing: it goes to Redis without a copy (rpushFramed).
    this.segmenterOpts = { ...opts, allocate: (bytes) => this.parts.take(RESP_HEADROOM + bytes + RESP_TAILROOM).subarray(RESP_HEADROOM) };
    this.segmenter = new Fmp4Segmenter(this.segmenterOpts);
    this.windowSize = opts.windowSize ?? 6;
    this.retiredKept = opts.retiredKept ?? 4;
    this.now = opts.now ?? Date.now;
    this.playlist = new HlsPlaylist({ run: this.run, windowSize: this.windowSize, partName: (msn, i) => this.partName(msn, i) });
  }

  /** Access units of parts that retired before Redis took them. */
  get dropped(): number {
    return this.lost;
  }

  /** Complete segments the playlist lists. */
  get segments(): number {
    return this.playlist.length;
  }

  /** True until stopped: nothing in this output can die on its own. */
  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Attaches to the pipeline; the cached GOP comes first, so the first segment starts at once.
   * Those access units reached the pipeline before now: their wall clock is taken back from
   * the newest one by their timestamps, so EXT-X-PROGRAM-DATE-TIME stays true for them too.
   */
  async start(): Promise<void> {
    const previous = await this.store.current(this.cameraId);
    if (this.stopped) return;
    if (previous && previous.edge.run !== this.run) this.continueAfter(previous.text, previous.edge.msn);
    const newest = this.pipeline.cachedGop.at(-1)?.dts;
    const at = this.now();
    this.cachedClock = newest === undefined ? undefined : (au) => at - Math.max(0, newest - au.dts) / 90;
    try {
      this.pipeline.attach(this);
    } finally {
      this.cachedClock = undefined;
    }
  }

  offer(au: AccessUnit): void {
    if (!this.stopped) this.apply(this.segmenter.push(au, this.cachedClock?.(au) ?? this.now()));
  }

  /** The source reconnected: the next segment follows a discontinuity, with a new init segment. */
  sourceRestarted(): void {
    if (!this.stopped) this.apply(this.segmenter.restart());
  }

  /** A promise that settles when what is ready now has been written (tests). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Detaches, waits for the write in flight, deletes the playlist and every file written. */
  async stop(): Promise<void> {
    this.pipeline.detach(this);
    this.stopped = true;
    await this.flushed();
    this.pending = [];
    await this.store.clear(this.cameraId, [...this.stored, ...this.toRemove]);
    this.stored.clear();
  }

  /** Numbers segments on from `lastMsn` + 1 (its in-progress segment never completed), after a discontinuity. */
  private continueAfter(text: string, lastMsn: number): void {
    const sequence = Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
    const inWindow = text.split("\n").filter((l) => l === "#EXT-X-DISCONTINUITY").length;
    this.segmenter = new Fmp4Segmenter({ ...this.segmenterOpts, firstMsn: lastMsn + 1 });
    this.playlist = new HlsPlaylist({
      run: this.run,
      windowSize: this.windowSize,
      partName: (msn, i) => this.partName(msn, i),
      discontinuitySequence: sequence + inWindow + 1,
    });
  }

  private partName(msn: number, index: number): string {
    return `${this.run}_${msn}.${index}.m4s`;
  }

  private apply(events: readonly SegmenterEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      if (e.kind === "init") {
        const name = `${this.run}_init${e.index}.mp4`;
        this.initNames[e.index] = name;
        this.pending.push({ name, bytes: e.bytes });
      } else if (e.kind === "segment-start") {
        this.playlist.startSegment({ msn: e.msn, map: this.initNames[e.initIndex]!, discontinuity: e.discontinuity, programDateMs: e.programDateMs });
      } else if (e.kind === "part") {
        const name = this.partName(e.msn, e.index);
        this.pending.push({ name, bytes: e.bytes, framable: true });
        this.pendingUnits.set(name, e.samples);
        this.playlist.setPartTarget(this.segmenter.partTarget / CLOCK);
        this.playlist.addPart({ name, durationSec: e.duration / CLOCK, independent: e.independent });
      } else {
        // The segment is stored as its parts (HlsSegmentStore): nothing more to write.
        this.retire(this.playlist.endSegment(`${this.run}_${e.msn}.m4s`, e.duration / CLOCK));
      }
    }
    this.dirty = true;
    this.writing ??= this.writeLoop().finally(() => (this.writing = undefined));
  }

  /** Segments that slid out wait `retiredKept` more segments, then their files go. */
  private retire(gone: readonly PlaylistSegment[]): void {
    const firstMap = this.playlist.segments[0]?.map;
    gone.forEach((s, i) => {
      // An init segment goes with the last segment that needs it.
      const lastOfMap = s.map !== firstMap && !gone.slice(i + 1).some((g) => g.map === s.map);
      // The segment's name stands for its parts too (one list in the store).
      this.retired.push([s.name!, ...s.parts.map((p) => p.name), ...(lastOfMap ? [s.map] : [])]);
    });
    while (this.retired.length > this.retiredKept) {
      for (const name of this.retired.shift()!) {
        const i = this.pending.findIndex((f) => f.name === name);
        if (i >= 0) {
          const [never] = this.pending.splice(i, 1);
          if (parsePartName(name)) this.parts.give(never!.bytes);
          this.lost += this.pendingUnits.get(name) ?? 0;
        } else if (!parsePartName(name)) {
          this.toRemove.push(name);
        }
        this.pendingUnits.delete(name);
      }
    }
  }

  private async writeLoop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const files = this.pending;
      const remove = this.toRemove;
      this.pending = [];
      this.toRemove = [];
      for (const f of files) {
        this.stored.add(segmentOrFile(f.name));
        this.pendingUnits.delete(f.name);
      }
      for (const n of remove) this.stored.delete(n);
      // Only a playlist with a complete segment is published: regular players need one.
      const playlist = this.playlist.length > 0 ? { text: this.playlist.render(), edge: this.playlist.edge() } : undefined;
      const ttlSec = Math.max(SEGMENT_TTL_S, Math.ceil((this.windowSize + this.retiredKept + 2) * (playlist?.edge.targetSec ?? 1)));
      try {
        await this.store.update(this.cameraId, { files, playlist, remove, ttlSec });
        for (const f of files) if (parsePartName(f.name)) this.parts.give(f.bytes);
      } catch {
        // Redis failed this batch: its files and deletions go with the next one.
        this.writeFailures++;
        this.pending = [...files, ...this.pending];
        this.toRemove = [...remove, ...this.toRemove];
        return;
      }
    }
  }
}

/** The name under which a file is stored: a part's segment, else the file itself. */
function segmentOrFile(name: string): string {
  const part = parsePartName(name);
  return part ? segmentOfPart(part) : name;
}
