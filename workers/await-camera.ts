/**
 * Waiting on a camera for a request job (stream start, cold snapshot): keeps the camera's
 * pipeline job in its queue, watches the holder's state for a failure that happened
 * after the request, and gives up at a deadline. The caller holds a lease meanwhile.
 */
import { CameraTimeoutError, CameraUnreachableError, rebuildDomainError } from "../src/errors.ts";
import type { CameraNetwork } from "../src/cameras/camera.ts";
import { NETWORK_TIMEOUTS } from "../src/pipeline/network-class.ts";
import { cameraWaitSeconds, cameraWaitTimeoutsTotal } from "../src/metrics.ts";
import type { CameraStatusStore } from "../src/state/camera-status-store.ts";
import type { CameraQueues } from "./camera-queues.ts";

const POLL_MS = 20;
const ENSURE_JOB_EVERY_MS = 500;

/** What waiting needs. */
export interface AwaitCameraDeps {
  readonly status: CameraStatusStore;
  readonly cameraQueues: CameraQueues;
}

/**
 * Polls `ready` every 20 ms until it returns a value. The wait is observed in
 * `camserver_camera_wait_seconds{kind,outcome}`; one that reaches its deadline also in
 * `camserver_camera_wait_timeouts_total{kind}`.
 * @param requestedAt epoch ms of the request: only failures after it count
 * @param extraMs time allowed after the connect timeout (a GOP, a first segment)
 * @param kind what waits, for metrics: `stream`, `snapshot`, `webrtc`, `record`
 * @throws the holder's error rebuilt by name (src/errors.ts `rebuildDomainError`):
 *   CameraUnreachableError (502) or CameraTimeoutError (504) as the holder reported them, a
 *   source-side class as CameraUnreachableError; or CameraTimeoutError at the deadline
 */
export async function awaitCamera<T>(
  deps: AwaitCameraDeps,
  cameraId: string,
  network: CameraNetwork,
  requestedAt: number,
  extraMs: number,
  ready: () => Promise<T | undefined>,
  kind = "request",
): Promise<T> {
  const startedAt = performance.now();
  let outcome = "unreachable";
  try {
    const value = await pollCamera(deps, cameraId, network, requestedAt, extraMs, ready);
    outcome = "ready";
    return value;
  } catch (err) {
    if (err instanceof CameraTimeoutError) outcome = "timeout";
    throw err;
  } finally {
    cameraWaitSeconds.observe({ kind, outcome }, (performance.now() - startedAt) / 1000);
    if (outcome === "timeout") cameraWaitTimeoutsTotal.inc({ kind });
  }
}

async function pollCamera<T>(
  deps: AwaitCameraDeps,
  cameraId: string,
  network: CameraNetwork,
  requestedAt: number,
  extraMs: number,
  ready: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = requestedAt + NETWORK_TIMEOUTS[network].connectMs + extraMs;
  let ensuredAt = 0;
  for (;;) {
    const value = await ready();
    if (value !== undefined) return value;
    const now = Date.now();
    if (now - ensuredAt >= ENSURE_JOB_EVERY_MS) {
      ensuredAt = now;
      await deps.cameraQueues.wantPipeline(cameraId);
    }
    const st = await deps.status.read(cameraId);
    if (st.lastError && st.lastError.at >= requestedAt && st.state === "retrying") {
      throw rebuildDomainError(st.lastError, CameraUnreachableError);
    }
    if (now > deadline) throw new CameraTimeoutError(`camera ${cameraId} gave no video within ${Math.round((deadline - requestedAt) / 1000)} s`);
    await Bun.sleep(POLL_MS);
  }
}
