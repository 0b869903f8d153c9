/**
 * The camera status store of a worker process, watched for metrics: when a camera's holder
 * here reports `retrying` and the camera has not been live since, the time it started
 * failing is kept in `camserver_camera_retrying_since_timestamp_seconds{camera}` (alert:
 * retrying for over 5 minutes); `live` or `idle` removes the series. A supervisor writes
 * `connecting` before every attempt, which does not end the trouble. No Redis command is
 * added: the writes are watched as they pass.
 */
import { cameraRetryingSince } from "../src/metrics.ts";
import { type CameraStatus, CameraStatusStore } from "../src/state/camera-status-store.ts";

/** A CameraStatusStore whose writes also feed the retrying metric. */
export class MeteredStatusStore extends CameraStatusStore {
  /** Epoch ms since which each failing camera has been failing. */
  private readonly failingSince = new Map<string, number>();

  override async write(cameraId: string, patch: Partial<CameraStatus>): Promise<void> {
    if (patch.state === "retrying" && !this.failingSince.has(cameraId)) {
      const at = patch.since ?? Date.now();
      this.failingSince.set(cameraId, at);
      cameraRetryingSince.set({ camera: cameraId }, at / 1000);
    } else if ((patch.state === "live" || patch.state === "idle") && this.failingSince.delete(cameraId)) {
      cameraRetryingSince.remove({ camera: cameraId });
    }
    await super.write(cameraId, patch);
  }
}
