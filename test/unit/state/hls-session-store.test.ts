/**
 * HlsSessionStore against a real Redis: viewers of one camera share a session, a start
 * extends it, each session owns one `hls` lease that runs until min(expiresAt, last playlist
 * fetch + idle timeout). Small TTLs keep it fast.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { HlsSessionStore } from "../../../src/state/hls-session-store.ts";
import { LeaseStore } from "../../../src/state/lease-store.ts";
import { cameraId, testRedis } from "./redis-test-utils.ts";

const { redis, keys, cleanup } = testRedis();
const leases = new LeaseStore(redis, keys);
const store = (ttlMs: number, idleMs: number) => new HlsSessionStore(redis, keys, leases, { ttlMs, idleMs });
afterAll(cleanup);

describe("HlsSessionStore", () => {
  it("shares one session per camera and extends its expiresAt on each start", async () => {
    const s = store(1500, 1000);
    const cam = cameraId();
    const first = await s.openOrExtend(cam);
    expect(first.created).toBe(true);
    expect(first.session.cameraId).toBe(cam);
    await Bun.sleep(30);
    const second = await s.openOrExtend(cam);
    expect(second.created).toBe(false);
    expect(second.session.sessionId).toBe(first.session.sessionId);
    expect(second.session.createdAt).toBe(first.session.createdAt);
    expect(second.session.expiresAt).toBeGreaterThan(first.session.expiresAt);
    expect((await s.get(first.session.sessionId))?.expiresAt).toBe(second.session.expiresAt);
    expect(await leases.count(cam)).toEqual({ total: 1, byKind: { hls: 1 } });
  });

  it("counts a live session as created by the opener that created it (a job run again after its worker died)", async () => {
    const s = store(1500, 1000);
    const cam = cameraId();
    const first = await s.openOrExtend(cam, "stream-start:7");
    expect(first.created).toBe(true);
    const again = await s.openOrExtend(cam, "stream-start:7");
    expect(again).toMatchObject({ created: true, session: { sessionId: first.session.sessionId } });
    expect((await s.openOrExtend(cam, "stream-start:8")).created).toBe(false);
    expect((await s.openOrExtend(cam)).created).toBe(false);
    // Another opener's extension does not take the session over.
    expect((await s.openOrExtend(cam, "stream-start:7")).created).toBe(true);
  });

  it("gives each camera its own session", async () => {
    const s = store(1500, 1000);
    const a = await s.openOrExtend(cameraId());
    const b = await s.openOrExtend(cameraId());
    expect(a.session.sessionId).not.toBe(b.session.sessionId);
  });

  it("holds an hls lease for the session that ends at min(expiresAt, now + idle)", async () => {
    const cam = cameraId();
    const idleFirst = await store(1500, 400).openOrExtend(cam);
    const leaseAt = (await leases.expiry(cam, "hls", idleFirst.session.sessionId))!;
    expect(leaseAt).toBeLessThan(idleFirst.session.expiresAt);
    expect(leaseAt).toBeGreaterThan(Date.now() + 200);

    const cam2 = cameraId();
    const ttlFirst = await store(400, 1500).openOrExtend(cam2);
    expect(await leases.expiry(cam2, "hls", ttlFirst.session.sessionId)).toBe(ttlFirst.session.expiresAt);
  });

  it("opens a new session once the old one's lease has lapsed", async () => {
    const s = store(1500, 300);
    const cam = cameraId();
    const old = await s.openOrExtend(cam);
    await Bun.sleep(400); // no playlist fetch within the idle timeout
    const fresh = await s.openOrExtend(cam);
    expect(fresh.created).toBe(true);
    expect(fresh.session.sessionId).not.toBe(old.session.sessionId);
    expect(await leases.expiry(cam, "hls", fresh.session.sessionId)).toBeDefined();
  });

  it("extends the lease by the idle timeout on touch", async () => {
    const s = store(1500, 300);
    const cam = cameraId();
    const { session } = await s.openOrExtend(cam);
    const before = (await leases.expiry(cam, "hls", session.sessionId))!;
    await Bun.sleep(200);
    const touched = await s.touch(session.sessionId);
    expect(touched?.sessionId).toBe(session.sessionId);
    const after = (await leases.expiry(cam, "hls", session.sessionId))!;
    expect(after).toBeGreaterThan(before + 100);
    await Bun.sleep(200); // past the first idle deadline: alive only because of the touch
    expect(await leases.expiry(cam, "hls", session.sessionId)).toBe(after);
    expect((await s.list()).map((x) => x.sessionId)).toContain(session.sessionId);
  });

  it("never extends the lease past expiresAt on touch", async () => {
    const s = store(400, 1500);
    const cam = cameraId();
    const { session } = await s.openOrExtend(cam);
    await Bun.sleep(100);
    await s.touch(session.sessionId);
    expect(await leases.expiry(cam, "hls", session.sessionId)).toBe(session.expiresAt);
    await Bun.sleep(400); // past expiresAt: the session is over however often it is watched
    expect(await s.touch(session.sessionId)).toBeUndefined();
    expect(await leases.expiry(cam, "hls", session.sessionId)).toBeUndefined();
  });

  it("ends a session: its lease and its session go, and the camera's next start creates a new one", async () => {
    const s = store(1500, 1000);
    const cam = cameraId();
    const { session } = await s.openOrExtend(cam);
    await s.end(session);
    expect(await s.get(session.sessionId)).toBeUndefined();
    expect(await leases.expiry(cam, "hls", session.sessionId)).toBeUndefined();
    expect((await leases.count(cam)).total).toBe(0);
    expect(await s.touch(session.sessionId)).toBeUndefined();
    expect((await s.list()).map((x) => x.sessionId)).not.toContain(session.sessionId);
    const next = await s.openOrExtend(cam);
    expect(next.created).toBe(true);
    expect(next.session.sessionId).not.toBe(session.sessionId);
  });

  it("lists live sessions oldest first and ends the lapsed ones", async () => {
    // sessions of all cameras share one list; a store with a short idle timeout makes one lapse
    const short = store(1500, 300);
    const long = store(1500, 1500);
    const lapsing = await short.openOrExtend(cameraId());
    await Bun.sleep(5);
    const older = await long.openOrExtend(cameraId());
    await Bun.sleep(5);
    const newer = await long.openOrExtend(cameraId());
    await Bun.sleep(400);
    const ids = (await long.list()).map((x) => x.sessionId);
    expect(ids).not.toContain(lapsing.session.sessionId);
    const mine = ids.filter((id) => id === older.session.sessionId || id === newer.session.sessionId);
    expect(mine).toEqual([older.session.sessionId, newer.session.sessionId]);
    expect(await long.get(lapsing.session.sessionId)).toBeUndefined();
    expect(await redis.zscore(keys.hlsSessions(), lapsing.session.sessionId)).toBeNull();
    expect((await leases.count(lapsing.session.cameraId)).total).toBe(0);
  });
});

describe("HlsSessionStore under concurrent first starts", () => {
  it("gives concurrent first starts of one camera one shared session", async () => {
    const store = new HlsSessionStore(redis, keys, new LeaseStore(redis, keys), { ttlMs: 5000, idleMs: 5000 });
    const cam = cameraId();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.openOrExtend(cam)));
    expect(new Set(results.map((r) => r.session.sessionId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});
