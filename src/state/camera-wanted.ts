/**
 * The "camera wanted" signal: a Redis pub/sub channel on which a camera's id is published
 * when a lease is put on it or its pipeline job is added. Every worker process listens and
 * starts consuming that camera's queue (workers/camera-demand.ts), so an idle registered
 * camera costs no BullMQ Worker until someone wants it. Pub/sub may lose a message (a
 * worker reconnecting): the reconciler's pass over the leased set catches up within seconds.
 */
import type Redis from "ioredis";
import type { Keys } from "./keys.ts";

/** The channel of one installation (its key prefix). Payload: the camera id. */
export function cameraWantedChannel(keys: Keys): string {
  return keys.cameraWantedChannel();
}

/** Tells every worker process that `cameraId` is wanted. @returns how many subscribers heard it */
export function publishCameraWanted(redis: Redis, keys: Keys, cameraId: string): Promise<number> {
  return redis.publish(cameraWantedChannel(keys), cameraId);
}
