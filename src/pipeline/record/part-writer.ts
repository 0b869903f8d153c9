/**
 * What a recorder writes into: one part of one recording, in one format. The recorder
 * hands it access units in decoding order, the first an IDR with SPS/PPS in front; the
 * writer puts them on disk and their segment rows in the database.
 */
import type { RecordingSegmentsRepository } from "../../db/recording-segments-repository.ts";
import type { AccessUnit } from "../../media/access-unit.ts";
import type { RecordingRecord } from "../../recordings/recording.ts";

/** Where and what a part writer writes. */
export interface PartContext {
  /** RECORDINGS_DIR, absolute. */
  readonly root: string;
  readonly recording: RecordingRecord;
  /** Part number, 1, 2, ... */
  readonly part: number;
  readonly segments: RecordingSegmentsRepository;
}

/** `new-part`: the access unit's parameter sets differ from the part's; finish and begin a new part with it. */
export type WriteResult = "ok" | "new-part";

/** One part being written. */
export interface PartWriter {
  /** Media written so far: the latest access unit's dts minus the first one's, 90 kHz ticks. */
  readonly ticks: number;
  /** Access units taken. */
  readonly frames: number;
  /**
   * Creates the part's directory and first file (fMP4: `init.mp4` from the access unit's
   * SPS/PPS; h264: the part's file), before the part is recorded in the database.
   * @param first the part's first access unit: an IDR with SPS and PPS in front
   * @throws RecordingStorageError
   */
  open(first: AccessUnit): Promise<void>;
  /**
   * Takes the next access unit (the first one again after {@link open}).
   * @param arrivedAt epoch ms at which it reached the recorder (for segment wall-clock times)
   * @throws RecordingStorageError when a file cannot be written; the part is then unusable
   */
  write(au: AccessUnit, arrivedAt: number): Promise<WriteResult>;
  /**
   * Writes what is buffered, makes it durable and closes.
   * @param endDts dts at which the last access unit ends (the next one's dts), if known
   * @throws RecordingStorageError
   */
  finish(endDts?: number): Promise<void>;
}

/**
 * Wall-clock time of a segment's first frame. Frames reach the recorder late (the cached
 * GOP all at once, then each after its network and pipeline delay), never early, so each
 * frame bounds the segment's start from above: arrival minus its offset in the segment.
 * The smallest bound over the segment's frames is the estimate.
 */
export class SegmentClock {
  private firstDts = 0;
  private best = Number.POSITIVE_INFINITY;

  /** Starts a segment whose first frame has `dts`. */
  reset(dts: number): void {
    this.firstDts = dts;
    this.best = Number.POSITIVE_INFINITY;
  }

  /** One frame of the segment arrived at `arrivedAt` (epoch ms). */
  observe(dts: number, arrivedAt: number): void {
    const bound = arrivedAt - (dts - this.firstDts) / 90;
    if (bound < this.best) this.best = bound;
  }

  /** Epoch ms of the segment's first frame. */
  get startMs(): number {
    return Math.round(this.best);
  }
}
