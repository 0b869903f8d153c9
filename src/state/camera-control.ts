/**
 * Signals from the API to whichever worker holds a camera: "the registry changed"
 * (workers start or stop consuming the camera's queue) and "stop now" (camera deleted:
 * the holder ends without waiting for the grace period) and "source changed" (its holder
 * reloads the camera and starts a new source session at once).
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";
import type { LeaseStore } from "./lease-store.ts";

/** Tells every worker that a camera was created, changed or deleted. */
export async function announceCameraChange(redis: Redis, keys: Keys, cameraId: string): Promise<void> {
  await redis.publish(keys.camerasChannel(), cameraId);
}

/**
 * Tells a camera's holder that its source settings changed: on its next tick (250 ms) it
 * reloads the camera and restarts the source, keeping its outputs and sessions. The
 * request lives 60 s (a camera that is not held has nothing to restart).
 */
export async function announceSourceChange(redis: Redis, keys: Keys, cameraId: string): Promise<void> {
  await redis.set(keys.sourceChange(cameraId), String(Date.now()), "PX", 60_000);
}

/** Drops all of a camera's leases and asks its holder to stop at once (the request lives 60 s). */
export async function stopCameraNow(redis: Redis, keys: Keys, leases: LeaseStore, cameraId: string): Promise<void> {
  await leases.releaseAll(cameraId);
  await redis.set(keys.stopRequest(cameraId), String(Date.now()), "PX", 60_000);
}
