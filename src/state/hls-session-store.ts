/**
 * HLS sessions. Viewers of one camera share one session; a start on a live session
 * extends its TTL. Each session owns one lease (`hls:<session id>`) whose expiry is
 * min(expires_at, last playlist fetch + idle timeout), so a session ends at
 * `expires_at` or after the idle timeout without a playlist fetch, whichever is first.
 */
import type Redis from "ioredis";
import { randomBytes } from "node:crypto";
import type { Keys } from "./keys.ts";
import type { LeaseStore } from "./lease-store.ts";
import { deleteIfOwned } from "./owned-key.ts";

/** The per-camera opening lock lives at most this long, ms; waiters poll every LOCK_POLL_MS. */
const LOCK_MS = 2000;
const LOCK_POLL_MS = 10;

/** One HLS session as the API shows it. */
export interface HlsSession {
  readonly sessionId: string;
  readonly cameraId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms at which the session ends even if it is watched. */
  readonly expiresAt: number;
}

/** Timing of sessions. */
export interface HlsSessionTiming {
  /** Session lifetime from its last start request, ms. */
  readonly ttlMs: number;
  /** A session ends this long after its last playlist fetch, ms. */
  readonly idleMs: number;
}

/** Creates, extends, touches, lists and ends HLS sessions. */
export class HlsSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly leases: LeaseStore,
    private readonly timing: HlsSessionTiming,
  ) {}

  /**
   * Returns the camera's live session with its TTL extended, or a new one.
   * @param opener who asks (a request job's id): a session it opened in an earlier run
   *   counts as created by it, so a job run again after its worker died (BullMQ's stalled-job
   *   check, docs/architecture.md "Queues") still ends the session when the camera fails
   * @returns the session and whether this opener created it
   */
  async openOrExtend(cameraId: string, opener?: string): Promise<{ session: HlsSession; created: boolean }> {
    // One opener per camera at a time, so concurrent first starts share one session.
    const lock = this.keys.hlsSessionOpenLock(cameraId);
    const token = randomBytes(6).toString("hex");
    for (let tries = 0; (await this.redis.set(lock, token, "PX", LOCK_MS, "NX")) !== "OK"; tries++) {
      if (tries * LOCK_POLL_MS > LOCK_MS) throw new Error(`could not open the HLS session of camera ${cameraId}: lock held`);
      await Bun.sleep(LOCK_POLL_MS);
    }
    try {
      return await this.openLocked(cameraId, opener);
    } finally {
      await deleteIfOwned(this.redis, lock, token);
    }
  }

  private async openLocked(cameraId: string, opener: string | undefined): Promise<{ session: HlsSession; created: boolean }> {
    const now = Date.now();
    const expiresAt = now + this.timing.ttlMs;
    const existing = await this.redis.get(this.keys.hlsCameraSession(cameraId));
    if (existing) {
      const s = await this.get(existing);
      if (s && (await this.leases.expiry(cameraId, "hls", existing)) !== undefined) {
        const reopened = opener !== undefined && (await this.redis.hget(this.keys.hlsSession(existing), "opener")) === opener;
        await this.save({ ...s, expiresAt }, now + this.timing.idleMs);
        return { session: { ...s, expiresAt }, created: reopened };
      }
    }
    const session: HlsSession = { sessionId: `hls_${randomBytes(16).toString("base64url")}`, cameraId, createdAt: now, expiresAt };
    await this.save(session, now + this.timing.idleMs, opener);
    return { session, created: true };
  }

  /** Writes the session and its lease; `opener` is stored only by the call that creates it. */
  private async save(s: HlsSession, idleUntil: number, opener?: string): Promise<void> {
    const leaseUntil = Math.min(s.expiresAt, idleUntil);
    const key = this.keys.hlsSession(s.sessionId);
    const fields: Record<string, string> = { camera_id: s.cameraId, created_at: String(s.createdAt), expires_at: String(s.expiresAt) };
    if (opener !== undefined) fields.opener = opener;
    await this.redis
      .multi()
      .hset(key, fields)
      .pexpireat(key, s.expiresAt)
      .set(this.keys.hlsCameraSession(s.cameraId), s.sessionId, "PXAT", s.expiresAt)
      .zadd(this.keys.hlsSessions(), leaseUntil, s.sessionId)
      .exec();
    await this.leases.put(s.cameraId, "hls", s.sessionId, leaseUntil);
  }

  /** The session, or undefined when it does not exist, has expired or its lease lapsed. */
  async get(sessionId: string): Promise<HlsSession | undefined> {
    const h = await this.redis.hgetall(this.keys.hlsSession(sessionId));
    if (!h.camera_id) return undefined;
    return { sessionId, cameraId: h.camera_id, createdAt: Number(h.created_at), expiresAt: Number(h.expires_at) };
  }

  /**
   * Records a playlist fetch: the lease runs on for the idle timeout (capped at expires_at).
   * @returns the session, or undefined when it has ended
   */
  async touch(sessionId: string): Promise<HlsSession | undefined> {
    const s = await this.get(sessionId);
    if (!s) return undefined;
    const alive = await this.leases.touch(s.cameraId, "hls", sessionId, this.timing.idleMs, s.expiresAt);
    if (!alive) {
      await this.end(s);
      return undefined;
    }
    await this.redis.zadd(this.keys.hlsSessions(), "XX", Math.min(s.expiresAt, Date.now() + this.timing.idleMs), sessionId);
    return s;
  }

  /** Ends a session now: its lease goes, the pipeline stops after the grace period. */
  async end(s: HlsSession): Promise<void> {
    await this.leases.release(s.cameraId, "hls", s.sessionId);
    const cameraKey = this.keys.hlsCameraSession(s.cameraId);
    await this.redis.multi().del(this.keys.hlsSession(s.sessionId)).zrem(this.keys.hlsSessions(), s.sessionId).exec();
    if ((await this.redis.get(cameraKey)) === s.sessionId) await this.redis.del(cameraKey);
  }

  /** Ends the sessions whose lease lapsed (idle or past expires_at); workers call it periodically. */
  async pruneLapsed(now = Date.now()): Promise<void> {
    const lapsed = await this.redis.zrangebyscore(this.keys.hlsSessions(), "-inf", now);
    for (const id of lapsed) {
      const s = await this.get(id);
      if (s) await this.end(s);
      else await this.redis.zrem(this.keys.hlsSessions(), id);
    }
  }

  /** Sessions whose lease has not lapsed, oldest first; lapsed ones are cleaned up. */
  async list(): Promise<HlsSession[]> {
    const now = Date.now();
    await this.pruneLapsed(now);
    const ids = await this.redis.zrangebyscore(this.keys.hlsSessions(), now, "+inf");
    const out: HlsSession[] = [];
    for (const id of ids) {
      const s = await this.get(id);
      if (s) out.push(s);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }
}
