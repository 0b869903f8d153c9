/**
 * One run of the HLS segmenter: an ffmpeg child fed FLV on stdin from a bounded queue,
 * whose completed segments are reported (and awaited, so the owner can read the file
 * before it is removed) as its CSV segment list grows. A new run starts
 * after each source reconnect, so its first segment begins at the new session's IDR.
 * A stalled ffmpeg loses frames up to the next keyframe (counted); it never slows the camera.
 */
import { mkdir, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { AccessUnit } from "../../media/access-unit.ts";
import { FlvMuxer } from "../../media/flv-mux.ts";
import { spawnChild, type Child } from "../../proc/spawn-child.ts";
import { ConsumerQueue } from "../consumer-queue.ts";
import { hlsMuxerArgs } from "./hls-muxer-args.ts";

/** A completed segment file. */
export interface SegmentFile {
  readonly name: string;
  readonly path: string;
  readonly durationSec: number;
  /** First segment of this run (the run followed a reconnect if the caller says so). */
  readonly first: boolean;
}

const TAIL_MS = 25;

/** One ffmpeg segmenter run. */
export class HlsSegmenter {
  private readonly queue = new ConsumerQueue();
  readonly runId = randomBytes(4).toString("hex");
  readonly dir: string;
  private child: Child | undefined;
  private feeding: Promise<void> | undefined;
  private tailTimer: ReturnType<typeof setInterval> | undefined;
  private tailOffset = 0;
  private tailing = false;
  private reported = 0;
  private exited = false;

  constructor(
    scratchDir: string,
    private readonly parameterSets: () => { sps: readonly Uint8Array[]; pps: readonly Uint8Array[] },
    private readonly onSegment: (s: SegmentFile) => Promise<void>,
  ) {
    this.dir = `${scratchDir}/${this.runId}`;
  }

  /** Access units lost because ffmpeg did not keep up. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Whether ffmpeg is still running. */
  get running(): boolean {
    return this.child !== undefined && !this.exited;
  }

  /** Creates the run directory and spawns ffmpeg. */
  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.child = spawnChild({ cmd: ["ffmpeg", ...hlsMuxerArgs(this.dir, this.runId)], label: "hls segmenter", stdin: "pipe", stdout: "ignore" });
    void this.child.exited.then(() => (this.exited = true));
    this.feeding = this.feed(this.child);
    this.tailTimer = setInterval(() => void this.tail(), TAIL_MS);
  }

  /** Queues an access unit; never blocks. */
  offer(au: AccessUnit): void {
    this.queue.offer(au);
  }

  private async feed(child: Child): Promise<void> {
    const sink = child.stdin!;
    const mux = new FlvMuxer();
    let base: number | undefined;
    try {
      for (;;) {
        const au = await this.queue.next();
        if (!au) break;
        if (base === undefined) {
          const { sps, pps } = this.parameterSets();
          base = au.dts;
          sink.write(mux.header());
          sink.write(mux.sequenceHeader([...sps], [...pps], 0));
        }
        sink.write(mux.videoTag(au, base));
        await sink.flush();
      }
      sink.end();
    } catch {
      // ffmpeg went away (EPIPE) or no SPS/PPS yet: the owner sees `running` false and restarts.
      await child.stop("feed ended");
    }
  }

  private async tail(): Promise<void> {
    if (this.tailing) return;
    this.tailing = true;
    try {
      const file = Bun.file(`${this.dir}/segments.csv`);
      if (!(await file.exists()) || file.size <= this.tailOffset) return;
      const text = await file.slice(this.tailOffset).text();
      const end = text.lastIndexOf("\n");
      if (end < 0) return;
      this.tailOffset += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split("\n")) {
        const [name, start, stop] = line.split(",");
        if (!name || start === undefined || stop === undefined) continue;
        await this.onSegment({ name, path: `${this.dir}/${name}`, durationSec: Number(stop) - Number(start), first: this.reported++ === 0 });
      }
    } finally {
      this.tailing = false;
    }
  }

  /**
   * Ends the run: no more input, ffmpeg writes its last segment and exits (stopped after
   * `graceMs` otherwise), the last segments are reported, the directory is removed.
   */
  async finish(graceMs = 3000): Promise<void> {
    this.queue.close();
    await this.feeding;
    const child = this.child;
    if (child) {
      const timer = setTimeout(() => void child.stop("finish timeout"), graceMs);
      await child.exited;
      clearTimeout(timer);
    }
    clearInterval(this.tailTimer);
    while (this.tailing) await Bun.sleep(5);
    await this.tail();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Stops at once: ffmpeg killed, nothing more reported, directory removed. */
  async kill(): Promise<void> {
    this.queue.close();
    clearInterval(this.tailTimer);
    await this.child?.stop("hls stopped");
    await this.feeding;
    while (this.tailing) await Bun.sleep(5);
    await rm(this.dir, { recursive: true, force: true });
  }
}
