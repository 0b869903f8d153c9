/**
 * The HLS consumer: an ffmpeg child that reads FLV from stdin and writes a live
 * playlist and segments into a scratch directory, published to Redis by HlsPublisher.
 * Fed from the pipeline's cached GOP first, so its first segment is cut as soon as
 * possible. Its queue is bounded: a stalled ffmpeg loses frames up to the next
 * keyframe, it never slows the camera.
 */
import { mkdir, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { AccessUnit } from "../../media/access-unit.ts";
import { FlvMuxer } from "../../media/flv-mux.ts";
import { spawnChild, type Child } from "../../proc/spawn-child.ts";
import type { HlsSegmentStore } from "../../state/hls-segment-store.ts";
import { ConsumerQueue } from "../consumer-queue.ts";
import type { Consumer, Pipeline } from "../pipeline.ts";
import { hlsMuxerArgs } from "./hls-muxer-args.ts";
import { HlsPublisher } from "./hls-publisher.ts";

/** One running HLS muxer of one camera. */
export class HlsMuxer implements Consumer {
  readonly kind = "hls";
  private readonly queue = new ConsumerQueue();
  private readonly runId = randomBytes(4).toString("hex");
  private readonly dir: string;
  private child: Child | undefined;
  private publisher: HlsPublisher | undefined;
  private feeding: Promise<void> | undefined;
  private exited = false;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly cameraId: string,
    scratchDir: string,
    private readonly store: HlsSegmentStore,
  ) {
    this.dir = `${scratchDir}/${cameraId}-${this.runId}`;
  }

  /** Access units this muxer lost because ffmpeg did not keep up. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Segments listed in the playlist last published. */
  get publishedSegments(): number {
    return this.publisher?.published ?? 0;
  }

  /** Creates the scratch directory, spawns ffmpeg and attaches to the pipeline. */
  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.child = spawnChild({ cmd: ["ffmpeg", ...hlsMuxerArgs(this.dir, this.runId)], label: `hls ${this.cameraId}`, stdin: "pipe", stdout: "ignore" });
    void this.child.exited.then(() => (this.exited = true));
    this.publisher = new HlsPublisher(this.store, this.cameraId, this.dir);
    this.publisher.start();
    this.pipeline.attach(this);
    this.feeding = this.feed(this.child);
  }

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
          base = au.dts;
          sink.write(mux.header());
          sink.write(mux.sequenceHeader([...this.pipeline.sps], [...this.pipeline.pps], 0));
        }
        sink.write(mux.videoTag(au, base));
        await sink.flush();
      }
    } catch {
      // ffmpeg went away (EPIPE), or no SPS/PPS to describe the stream: the holder sees
      // the muxer is not running and starts a new one.
      await child.stop("feed ended");
    }
  }

  /** Whether the muxer's ffmpeg is still running. */
  get running(): boolean {
    return this.child !== undefined && !this.exited;
  }

  /** Detaches, stops ffmpeg, deletes the scratch directory and the published segments. */
  async stop(): Promise<void> {
    this.pipeline.detach(this);
    this.queue.close();
    try {
      this.child?.stdin?.end();
    } catch {
      // already closed
    }
    await this.child?.stop("hls stopped");
    await this.feeding;
    await this.publisher?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
