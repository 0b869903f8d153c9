/**
 * The live HLS playlist and segments of each camera, kept in Redis so that any API
 * process can serve any session whichever worker host holds the camera (no shared
 * filesystem). Segments expire on their own a minute after upload.
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";

/** Segment file names the muxer writes: `<run id>_<sequence>.ts`. Anything else is not ours. */
export const SEGMENT_NAME = /^[a-z0-9]{1,16}_\d{1,10}\.ts$/;

/** Lifetime of an uploaded segment, seconds. */
const SEGMENT_TTL_S = 60;

/** Uploads and reads HLS playlists and segments. */
export class HlsSegmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores one segment's bytes (before the playlist that names it). */
  async putSegment(cameraId: string, name: string, bytes: Uint8Array): Promise<void> {
    await this.redis.set(this.keys.hlsSegment(cameraId, name), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "EX", SEGMENT_TTL_S);
  }

  /** Stores the playlist text (its segments must be stored first). */
  async putPlaylist(cameraId: string, text: string): Promise<void> {
    await this.redis.set(this.keys.hlsPlaylist(cameraId), text, "EX", SEGMENT_TTL_S);
  }

  /** The camera's playlist, or null when no muxer runs. */
  async playlist(cameraId: string): Promise<string | null> {
    return this.redis.get(this.keys.hlsPlaylist(cameraId));
  }

  /** A segment's bytes, or null when unknown or expired. */
  async segment(cameraId: string, name: string): Promise<Buffer | null> {
    if (!SEGMENT_NAME.test(name)) return null;
    return this.redis.getBuffer(this.keys.hlsSegment(cameraId, name));
  }

  /** Deletes the named segments and, unless `withPlaylist` is false, the playlist (output stopped). */
  async clear(cameraId: string, segmentNames: Iterable<string>, withPlaylist = true): Promise<void> {
    const keys = [...(withPlaylist ? [this.keys.hlsPlaylist(cameraId)] : []), ...[...segmentNames].map((n) => this.keys.hlsSegment(cameraId, n))];
    if (keys.length > 0) await this.redis.del(...keys);
  }
}

/** Number of segments a playlist lists (`#EXTINF` lines). */
export function playlistSegmentCount(playlist: string): number {
  return playlist.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
}
