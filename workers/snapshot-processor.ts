/**
 * `snapshot` processor. A snapshot is the camera's latest keyframe (from Redis, written by
 * the holder) decoded by a one-shot ffmpeg: no new camera connection. Without a stored
 * keyframe the job takes a short `snapshot` lease: the holder of a live camera then publishes
 * its cached keyframe within a tick (and keeps publishing a while after, for the next
 * request), an idle camera's pipeline starts and its first keyframe becomes the JPEG, and the
 * pipeline stops after the grace period. Concurrent requests for the same
 * keyframe share one decode. A poll also keeps the JPEG as the latest polled snapshot,
 * in Redis (served by any API) and as a file under DATA_DIR.
 */
import type { Job } from "bullmq";
import { mkdir, rename } from "node:fs/promises";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import { decodeKeyframeToJpeg } from "../src/pipeline/snapshot/jpeg-decoder.ts";
import type { KeyframeStore, StoredKeyframe } from "../src/state/keyframe-store.ts";
import type { LeaseStore } from "../src/state/lease-store.ts";
import type { SnapshotStore } from "../src/state/snapshot-store.ts";
import { NETWORK_TIMEOUTS } from "../src/pipeline/network-class.ts";
import type { SnapshotJob, SnapshotResult } from "../queues/payloads.ts";
import { awaitCamera, type AwaitCameraDeps } from "./await-camera.ts";
import { domainFailure } from "./domain-failure.ts";

/** Services of the snapshot processor. */
export interface SnapshotDeps extends AwaitCameraDeps {
  readonly cameras: CamerasRepository;
  readonly leases: LeaseStore;
  readonly keyframes: KeyframeStore;
  readonly snapshots: SnapshotStore;
  /** Polled JPEGs are also written to `${dataDir}/snapshots/<camera>.jpg`. */
  readonly dataDir: string;
}

/** A stored keyframe younger than this means the camera is live, ms (its TTL is 10 s). */
const LIVE_KEYFRAME_MS = 10_000;
/** Time allowed after the connect timeout for the first keyframe (a long GOP), ms. */
const FIRST_KEYFRAME_MS = 10_000;

/** Builds the processor of the `snapshot` queue. */
export function snapshotProcessor(deps: SnapshotDeps) {
  const decoding = new Map<string, Promise<Uint8Array>>();
  const decode = (cameraId: string, kf: StoredKeyframe): Promise<Uint8Array> => {
    const key = `${cameraId}@${kf.at}`;
    let p = decoding.get(key);
    if (!p) {
      p = decodeKeyframeToJpeg(kf.annexB).finally(() => decoding.delete(key));
      decoding.set(key, p);
    }
    return p;
  };
  return (job: Job<SnapshotJob>): Promise<SnapshotResult> =>
    domainFailure(async () => {
      const { cameraId, maxAgeMs, poll } = job.data;
      const camera = await deps.cameras.get(cameraId);
      if (maxAgeMs !== undefined) {
        const cached = await deps.snapshots.get(cameraId, "latest");
        if (cached && Date.now() - cached.at <= maxAgeMs) return { at: cached.at, cached: true };
      }
      const requestedAt = Date.now();
      const live = (k: StoredKeyframe | undefined) => (k && requestedAt - k.at <= LIVE_KEYFRAME_MS ? k : undefined);
      let kf = live(await deps.keyframes.get(cameraId));
      if (!kf) {
        const leaseId = `job-${job.id}`;
        await deps.leases.put(cameraId, "snapshot", leaseId, requestedAt + NETWORK_TIMEOUTS[camera.network].connectMs + FIRST_KEYFRAME_MS + 5000);
        try {
          kf = await awaitCamera(
            deps,
            cameraId,
            camera.network,
            requestedAt,
            FIRST_KEYFRAME_MS,
            // The holder publishes keyframes while snapshot leases exist (and a while after): a
            // live camera's cached keyframe comes within a tick, an idle camera's first one once it streams.
            async () => live(await deps.keyframes.get(cameraId)),
            "snapshot",
          );
        } finally {
          await deps.leases.release(cameraId, "snapshot", leaseId);
        }
      }
      // The keyframe changes once a GOP: a JPEG already made from it is the answer (~3 ms vs ~100 ms).
      const made = await deps.snapshots.get(cameraId, "latest");
      const jpeg = made && made.at === kf.at ? made.jpeg : await decode(cameraId, kf);
      if (jpeg !== made?.jpeg) await deps.snapshots.put(cameraId, "latest", jpeg, kf.at);
      if (poll) {
        // The file first: once `/snapshot/latest` serves a polled JPEG, its file is on disk too.
        await writePolledFile(deps.dataDir, cameraId, jpeg, kf.at);
        await deps.snapshots.put(cameraId, "polled", jpeg, kf.at);
      }
      return { at: kf.at, cached: false };
    });
}

/** Writes `<camera>.jpg` and `<camera>.json` ({at}) atomically (temp file, rename). */
async function writePolledFile(dataDir: string, cameraId: string, jpeg: Uint8Array, at: number): Promise<void> {
  const dir = `${dataDir}/snapshots`;
  await mkdir(dir, { recursive: true });
  await Bun.write(`${dir}/${cameraId}.jpg.tmp`, jpeg);
  await rename(`${dir}/${cameraId}.jpg.tmp`, `${dir}/${cameraId}.jpg`);
  await Bun.write(`${dir}/${cameraId}.json.tmp`, JSON.stringify({ at: new Date(at).toISOString() }));
  await rename(`${dir}/${cameraId}.json.tmp`, `${dir}/${cameraId}.json`);
}
