/**
 * Recording segments in the database: a segment row is inserted only after its file is
 * on disk (written, fsynced, renamed), together with the growth of its part's and its
 * recording's totals, in one transaction. Playback by time reads them by
 * (camera_id, start_ms); retention deletes the oldest finished ones first.
 */
import type { Kysely, Selectable } from "kysely";
import type { RecordingSegment } from "../recordings/recording.ts";
import { intColumn } from "./int-column.ts";
import type { RecordingSegmentsTable } from "./recording-schema.ts";
import type { Schema } from "./schema.ts";

/** A stored segment with its row id (retention deletes by id). */
export interface StoredSegment extends RecordingSegment {
  readonly id: number;
}

/** Growth of one segment (h264 parts grow one segment as they are fsynced). */
export interface SegmentGrowth {
  readonly bytes: number;
  readonly frames: number;
  readonly durationMs: number;
  readonly ticks: number;
}

/** Longest segment assumed by time queries, ms: a segment starting earlier than `from - this` cannot reach `from`. */
export const MAX_SEGMENT_SPAN_MS = 10 * 60_000;

function toSegment(r: Selectable<RecordingSegmentsTable>): StoredSegment {
  return {
    id: intColumn(r.id, "recording_segments.id"),
    recordingId: r.recording_id,
    cameraId: r.camera_id,
    part: intColumn(r.part, "recording_segments.part"),
    seq: intColumn(r.seq, "recording_segments.seq"),
    path: r.path,
    startMs: intColumn(r.start_ms, "recording_segments.start_ms"),
    durationMs: intColumn(r.duration_ms, "recording_segments.duration_ms"),
    ticks: intColumn(r.ticks, "recording_segments.ticks"),
    bytes: intColumn(r.bytes, "recording_segments.bytes"),
    frames: intColumn(r.frames, "recording_segments.frames"),
  };
}

/** Stores and finds segment rows. */
export class RecordingSegmentsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Inserts a segment and adds its size, frames and duration to its part and recording. */
  async add(s: RecordingSegment): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("recording_segments")
        .values({
          recording_id: s.recordingId,
          camera_id: s.cameraId,
          part: s.part,
          seq: s.seq,
          path: s.path,
          start_ms: s.startMs,
          duration_ms: s.durationMs,
          ticks: s.ticks,
          bytes: s.bytes,
          frames: s.frames,
        })
        .execute();
      await this.addTotals(trx, s.recordingId, s.part, s);
    });
  }

  /** Grows a segment (an h264 part after an fsync) and its part's and recording's totals. */
  async grow(recordingId: string, part: number, seq: number, g: SegmentGrowth): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("recording_segments")
        .set((eb) => ({
          bytes: eb("bytes", "+", g.bytes),
          frames: eb("frames", "+", g.frames),
          duration_ms: eb("duration_ms", "+", g.durationMs),
          ticks: eb("ticks", "+", g.ticks),
        }))
        .where("recording_id", "=", recordingId)
        .where("part", "=", part)
        .where("seq", "=", seq)
        .execute();
      await this.addTotals(trx, recordingId, part, g);
    });
  }

  private async addTotals(trx: Kysely<Schema>, recordingId: string, part: number, g: { bytes: number; frames: number; durationMs: number }): Promise<void> {
    await trx
      .updateTable("recording_parts")
      .set((eb) => ({ bytes: eb("bytes", "+", g.bytes), frames: eb("frames", "+", g.frames), duration_ms: eb("duration_ms", "+", g.durationMs) }))
      .where("recording_id", "=", recordingId)
      .where("part", "=", part)
      .execute();
    await trx
      .updateTable("recordings")
      .set((eb) => ({ bytes: eb("bytes", "+", g.bytes), frames: eb("frames", "+", g.frames), duration_ms: eb("duration_ms", "+", g.durationMs) }))
      .where("id", "=", recordingId)
      .execute();
  }

  /** Segments of a recording in order (part, seq). */
  async ofRecording(recordingId: string): Promise<StoredSegment[]> {
    const rows = await this.db.selectFrom("recording_segments").selectAll().where("recording_id", "=", recordingId).orderBy("part").orderBy("seq").execute();
    return rows.map(toSegment);
  }

  /**
   * fMP4 segments of a camera that overlap `[from, to)` (wall clock, epoch ms), in time order.
   * @param limit most rows returned @defaultValue 10000
   */
  async ofCameraBetween(cameraId: string, from: number, to: number, limit = 10_000): Promise<StoredSegment[]> {
    const rows = await this.db
      .selectFrom("recording_segments as s")
      .innerJoin("recordings as r", "r.id", "s.recording_id")
      .selectAll("s")
      .where("s.camera_id", "=", cameraId)
      .where("r.format", "=", "fmp4")
      .where("s.start_ms", ">=", from - MAX_SEGMENT_SPAN_MS)
      .where("s.start_ms", "<", to)
      .orderBy("s.start_ms")
      .orderBy("s.id")
      .limit(limit)
      .execute();
    return rows.map(toSegment).filter((s) => s.startMs + s.durationMs > from);
  }

  /**
   * A camera's oldest finished segments first: every fMP4 segment (each is a closed file),
   * and h264 part files whose part is no longer being written.
   */
  async oldestFinished(cameraId: string, limit: number): Promise<StoredSegment[]> {
    const rows = await this.db
      .selectFrom("recording_segments as s")
      .innerJoin("recordings as r", "r.id", "s.recording_id")
      .innerJoin("recording_parts as p", (j) => j.onRef("p.recording_id", "=", "s.recording_id").onRef("p.part", "=", "s.part"))
      .selectAll("s")
      .where("s.camera_id", "=", cameraId)
      .where((eb) => eb.or([eb("r.format", "=", "fmp4"), eb("p.state", "!=", "recording")]))
      .orderBy("s.start_ms")
      .orderBy("s.id")
      .limit(limit)
      .execute();
    return rows.map(toSegment);
  }

  /** Bytes of every segment of a camera. */
  async cameraBytes(cameraId: string): Promise<number> {
    const row = await this.db
      .selectFrom("recording_segments")
      .select((eb) => eb.fn.sum<number | string | null>("bytes").as("total"))
      .where("camera_id", "=", cameraId)
      .executeTakeFirst();
    return row?.total == null ? 0 : intColumn(row.total, "sum(bytes)");
  }

  /** Deletes segment rows by id. */
  async delete(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .deleteFrom("recording_segments")
      .where("id", "in", [...ids])
      .execute();
  }

  /** How many segment rows a recording has left. */
  async count(recordingId: string): Promise<number> {
    const row = await this.db
      .selectFrom("recording_segments")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("recording_id", "=", recordingId)
      .executeTakeFirst();
    return intColumn(row?.n ?? 0, "count");
  }
}
