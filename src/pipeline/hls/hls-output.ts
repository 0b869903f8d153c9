/**
 * The HLS consumer of one camera: runs the segmenter, uploads each completed segment to
 * Redis and then the playlist that names it (so any API process can serve the session),
 * and deletes the local file at once. After a source reconnect the next access unit
 * starts a new segmenter run, and its first segment is marked EXT-X-DISCONTINUITY, so
 * the session's playlist goes on after the gap.
 */
import { unlink } from "node:fs/promises";
import type { AccessUnit } from "../../media/access-unit.ts";
import type { HlsSegmentStore } from "../../state/hls-segment-store.ts";
import type { Consumer, Pipeline } from "../pipeline.ts";
import { HlsPlaylist } from "./hls-playlist.ts";
import { HlsSegmenter, type SegmentFile } from "./hls-segmenter.ts";

/** Segments kept in Redis after they left the playlist, for players that are behind. */
const RETIRED_KEPT = 6;

/** HLS output of one camera while it has HLS sessions. */
export class HlsOutput implements Consumer {
  readonly kind = "hls";
  private readonly playlist = new HlsPlaylist(3);
  /** Uploaded segments still listed, or retired but kept a while for slow players. */
  private readonly uploaded = new Set<string>();
  private readonly retired: string[] = [];
  private segmenter: HlsSegmenter | undefined;
  private restartPending = false;
  private finishing: Promise<void> = Promise.resolve();
  private droppedBefore = 0;
  private stopped = false;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly cameraId: string,
    private readonly scratchDir: string,
    private readonly store: HlsSegmentStore,
  ) {}

  /** Access units lost because a segmenter did not keep up. */
  get dropped(): number {
    return this.droppedBefore + (this.segmenter?.dropped ?? 0);
  }

  /** Segments the playlist lists. */
  get segments(): number {
    return this.playlist.length;
  }

  /** Whether the current segmenter is running (false: the holder restarts the output). */
  get running(): boolean {
    return this.segmenter?.running ?? false;
  }

  /** Starts the first segmenter run and attaches to the pipeline (the cached GOP comes first). */
  async start(): Promise<void> {
    this.segmenter = this.newRun(false);
    await this.segmenter.start();
    this.pipeline.attach(this);
  }

  private newRun(discontinuity: boolean): HlsSegmenter {
    const params = () => ({ sps: this.pipeline.sps, pps: this.pipeline.pps });
    return new HlsSegmenter(this.scratchDir, params, (s) => this.publish(s, discontinuity && s.first));
  }

  offer(au: AccessUnit): void {
    if (this.restartPending && this.segmenter) {
      this.restartPending = false;
      const old = this.segmenter;
      this.droppedBefore += old.dropped;
      this.segmenter = this.newRun(true);
      const next = this.segmenter;
      // Spawn now so the new run takes this IDR; the old run flushes its last segment first.
      this.finishing = this.finishing.then(() => old.finish());
      void next.start();
    }
    this.segmenter?.offer(au);
  }

  /** The source reconnected: the next access unit starts a new run after a discontinuity. */
  sourceRestarted(): void {
    this.restartPending = true;
  }

  private async publish(s: SegmentFile, discontinuity: boolean): Promise<void> {
    if (this.stopped) return;
    const bytes = await Bun.file(s.path).bytes();
    await unlink(s.path).catch(() => {});
    await this.store.putSegment(this.cameraId, s.name, bytes);
    this.uploaded.add(s.name);
    this.retired.push(...this.playlist.add({ name: s.name, durationSec: s.durationSec, discontinuity }));
    await this.store.putPlaylist(this.cameraId, this.playlist.render());
    // A segment that left the playlist stays RETIRED_KEPT segments longer, then goes.
    const expired = this.retired.splice(0, Math.max(0, this.retired.length - RETIRED_KEPT));
    for (const name of expired) this.uploaded.delete(name);
    if (expired.length > 0) await this.store.clear(this.cameraId, expired, false);
  }

  /** Detaches, kills the segmenter, deletes the playlist and every uploaded segment. */
  async stop(): Promise<void> {
    this.pipeline.detach(this);
    this.stopped = true;
    await this.segmenter?.kill();
    await this.finishing;
    await this.store.clear(this.cameraId, this.uploaded);
    this.uploaded.clear();
  }
}
