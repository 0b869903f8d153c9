/**
 * The live LL-HLS playlist and files of each camera, kept in Redis so that any API process
 * can serve any session whichever worker host holds the camera (no shared filesystem).
 * Files (init segments and parts) go first as plain commands, then one Lua script sets their
 * lifetime and writes the playlist that lists them, its edge (published on the camera's
 * channel to wake blocked requests) and deletions, all on one connection in one round trip,
 * so a playlist never names a file that is not there yet.
 *
 * A segment is stored once, as the list of its parts (one Redis LIST per segment, a part per
 * element, in order): a part is read with LINDEX, the whole segment with LRANGE as its parts
 * concatenated (its bytes are exactly that, RFC 8216bis §4.4.4.9). Writing each part once
 * instead of the parts and then the segment halves the bytes a live camera sends to Redis.
 */
import type Redis from "ioredis";
import { decodeEdge, encodeEdge, type HlsEdge } from "./hls-edge.ts";
import { RESP_HEADROOM, RESP_TAILROOM, rpushFramed } from "./framed-rpush.ts";
import type { Keys } from "./keys.ts";
import { type LuaArg, LuaScript } from "./lua-script.ts";

/**
 * Names of the files an HLS output writes, and nothing else: `<run>_init<n>.mp4` (init
 * segment), `<run>_<msn>.m4s` (segment), `<run>_<msn>.<part>.m4s` (part), where `run` is
 * the output's lowercase id. Anything else (`..`, other names) is not ours.
 */
export const SEGMENT_NAME = /^[a-z0-9]{1,16}_(?:init\d{1,6}\.mp4|\d{1,10}\.m4s|\d{1,10}\.\d{1,4}\.m4s)$/;

const PART_NAME = /^([a-z0-9]{1,16})_(\d{1,10})\.(\d{1,4})\.m4s$/;

/** What kind of file a valid name is. */
export type HlsFileKind = "init" | "segment" | "part";

/** The kind of a file name, or undefined when {@link SEGMENT_NAME} rejects it. */
export function hlsFileKind(name: string): HlsFileKind | undefined {
  if (!SEGMENT_NAME.test(name)) return undefined;
  return name.endsWith(".mp4") ? "init" : PART_NAME.test(name) ? "part" : "segment";
}

/** Run id, media sequence number and part index of a part's file name, or undefined. */
export function parsePartName(name: string): { run: string; msn: number; part: number } | undefined {
  const m = PART_NAME.exec(name);
  return m ? { run: m[1]!, msn: Number(m[2]), part: Number(m[3]) } : undefined;
}

/** Default lifetime of stored files and playlist, seconds (a crashed worker's leftovers go). */
export const SEGMENT_TTL_S = 60;

/** One file to store: an init segment or a part (a segment is stored as its parts). */
export interface HlsFile {
  /** A name {@link SEGMENT_NAME} accepts, of kind "init" or "part". */
  readonly name: string;
  readonly bytes: Uint8Array;
  /**
   * A part's `bytes` lie in a buffer with {@link RESP_HEADROOM} bytes free before them and
   * {@link RESP_TAILROOM} after, which the store may overwrite until `update` settles: the
   * part then goes to Redis without a copy (`rpushFramed`). @defaultValue false
   */
  readonly framable?: boolean;
}

/** The segment a part belongs to: `<run>_<msn>.m4s`. */
export function segmentOfPart(part: { run: string; msn: number }): string {
  return `${part.run}_${part.msn}.m4s`;
}

/** One playlist update: files first, then the playlist, its edge, the deletions. */
export interface HlsUpdate {
  readonly files: readonly HlsFile[];
  readonly playlist?: { readonly text: string; readonly edge: HlsEdge };
  /** Names of files to delete (retired). */
  readonly remove?: readonly string[];
  /** Lifetime of files and playlist, seconds. @defaultValue SEGMENT_TTL_S */
  readonly ttlSec?: number;
}

// KEYS: the n files' keys, the playlist, then the keys to delete.
// ARGV: ttl s, n, has-playlist (1/0), playlist text, edge, channel.
const UPDATE = new LuaScript(`
local ttl, n = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, n do redis.call('EXPIRE', KEYS[i], ttl) end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[n + 1], 'text', ARGV[4], 'edge', ARGV[5])
  redis.call('EXPIRE', KEYS[n + 1], ttl)
  redis.call('PUBLISH', ARGV[6], ARGV[5])
end
if #KEYS > n + 1 then redis.call('DEL', unpack(KEYS, n + 2)) end
return 1`);

/** Writes and reads HLS playlists and files. */
export class HlsSegmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Stores files, then the playlist and its edge, deletes retired files and publishes the
   * edge (one round trip).
   * Parts must come in order within their segment: each is appended to the segment's list.
   * @throws Error when a name is not an init segment's or a part's (nothing is written)
   */
  async update(cameraId: string, u: HlsUpdate): Promise<void> {
    const ttl = u.ttlSec ?? SEGMENT_TTL_S;
    const bad = u.files.find((f) => hlsFileKind(f.name) !== "init" && hlsFileKind(f.name) !== "part");
    if (bad) throw new Error(`not an HLS init segment or part name: ${JSON.stringify(bad.name)}`);
    // The bytes go as plain RPUSH/SET commands, then one script sets their lifetime, writes the
    // playlist and its edge and deletes retired files; Redis runs one connection's commands in
    // order, so a playlist never names a file that is not there. Bytes passed into a script
    // would be copied into Lua strings: measured, that took Redis 2.5 times the CPU per update.
    const writes: Promise<unknown>[] = [];
    const keys: string[] = [];
    for (const f of u.files) {
      const bytes = Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      const part = parsePartName(f.name);
      const key = this.keys.hlsSegment(cameraId, part ? segmentOfPart(part) : f.name);
      writes.push(part ? (f.framable ? rpushFramed(this.redis, key, f.bytes) : this.redis.rpush(key, bytes)) : this.redis.set(key, bytes));
      keys.push(key);
    }
    keys.push(this.keys.hlsPlaylist(cameraId));
    const args: LuaArg[] = [ttl, u.files.length];
    if (u.playlist) args.push(1, u.playlist.text, encodeEdge(u.playlist.edge), this.keys.hlsPlaylistChannel(cameraId));
    else args.push(0, "", "", "");
    for (const n of u.remove ?? []) keys.push(this.keys.hlsSegment(cameraId, n));
    await Promise.all([...writes, UPDATE.run(this.redis, keys, args)]);
  }

  /** Stores one init segment or part alone (tests, tools). */
  async putSegment(cameraId: string, name: string, bytes: Uint8Array): Promise<void> {
    await this.update(cameraId, { files: [{ name, bytes }] });
  }

  /** The camera's playlist text, or null when no output runs. */
  async playlist(cameraId: string): Promise<string | null> {
    return this.redis.hget(this.keys.hlsPlaylist(cameraId), "text");
  }

  /** The camera's playlist edge, or undefined when no output runs. */
  async edge(cameraId: string): Promise<HlsEdge | undefined> {
    return decodeEdge(await this.redis.hget(this.keys.hlsPlaylist(cameraId), "edge"));
  }

  /** The camera's playlist text and edge together, or undefined when no output runs. */
  async current(cameraId: string): Promise<{ text: string; edge: HlsEdge } | undefined> {
    const [text, edge] = await this.redis.hmget(this.keys.hlsPlaylist(cameraId), "text", "edge");
    const e = decodeEdge(edge);
    return text && e ? { text, edge: e } : undefined;
  }

  /**
   * A file's bytes: an init segment, a part, or a segment (its parts concatenated); null when
   * unknown, expired or not a name {@link SEGMENT_NAME} accepts.
   */
  async segment(cameraId: string, name: string): Promise<Buffer | null> {
    const kind = hlsFileKind(name);
    if (kind === undefined) return null;
    if (kind === "init") return this.redis.getBuffer(this.keys.hlsSegment(cameraId, name));
    const part = parsePartName(name);
    if (part) return this.redis.lindexBuffer(this.keys.hlsSegment(cameraId, segmentOfPart(part)), part.part);
    const parts = await this.redis.lrangeBuffer(this.keys.hlsSegment(cameraId, name), 0, -1);
    return parts.length > 0 ? Buffer.concat(parts) : null;
  }

  /**
   * Deletes the named files (a segment's name deletes its parts too) and, unless `withPlaylist` is false, the playlist; then tells
   * waiting requests that the playlist ended (output stopped).
   */
  async clear(cameraId: string, names: Iterable<string>, withPlaylist = true): Promise<void> {
    const keys = [...(withPlaylist ? [this.keys.hlsPlaylist(cameraId)] : []), ...[...names].map((n) => this.keys.hlsSegment(cameraId, n))];
    if (keys.length > 0) await this.redis.del(...keys);
    if (withPlaylist) await this.redis.publish(this.keys.hlsPlaylistChannel(cameraId), ENDED);
  }
}

/** Payload of the playlist channel when the output stopped. */
export const ENDED = "ended";

/** Number of complete segments a playlist lists (`#EXTINF` lines). */
export function playlistSegmentCount(playlist: string): number {
  return playlist.split("\n").filter((l) => l.startsWith("#EXTINF")).length;
}
