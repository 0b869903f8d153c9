/**
 * `stream-start` processor: opens (or extends) the camera's shared HLS session, makes
 * sure the camera's pipeline job exists, and answers once the session's playlist lists
 * a segment, so the URL plays at once. A camera that refuses or hangs fails the job
 * with the domain error (502 / 504) and the session it created is ended.
 */
import { UnrecoverableError, type Job } from "bullmq";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import { CameraTimeoutError, CameraUnreachableError, DomainError } from "../src/errors.ts";
import { NETWORK_TIMEOUTS } from "../src/pipeline/network-class.ts";
import type { CameraStatusStore } from "../src/state/camera-status-store.ts";
import { playlistSegmentCount, type HlsSegmentStore } from "../src/state/hls-segment-store.ts";
import type { HlsSessionStore } from "../src/state/hls-session-store.ts";
import { encodeDomainError } from "../queues/job-errors.ts";
import type { StreamStartJob, StreamStartResult } from "../queues/payloads.ts";
import type { CameraQueues } from "./camera-queues.ts";

/** Services of the stream-start processor. */
export interface StreamStartDeps {
  readonly cameras: CamerasRepository;
  readonly sessions: HlsSessionStore;
  readonly segments: HlsSegmentStore;
  readonly status: CameraStatusStore;
  readonly cameraQueues: CameraQueues;
}

const POLL_MS = 20;
const ENSURE_JOB_EVERY_MS = 500;

/** Builds the processor of the `stream-start` queue. */
export function streamStartProcessor(deps: StreamStartDeps) {
  return async (job: Job<StreamStartJob>): Promise<StreamStartResult> => {
    try {
      return await startStream(deps, job.data.cameraId);
    } catch (err) {
      if (err instanceof DomainError) throw new UnrecoverableError(encodeDomainError(err));
      throw err;
    }
  };
}

async function startStream(deps: StreamStartDeps, cameraId: string): Promise<StreamStartResult> {
  const camera = await deps.cameras.get(cameraId);
  const requestedAt = Date.now();
  const { session, created } = await deps.sessions.openOrExtend(cameraId);
  const timeouts = NETWORK_TIMEOUTS[camera.network];
  // Connect deadline, one GOP wait and the first segment, with room for a re-encode.
  const deadline = requestedAt + timeouts.connectMs + 15_000;
  try {
    let ensuredAt = 0;
    for (;;) {
      const playlist = await deps.segments.playlist(cameraId);
      if (playlist && playlistSegmentCount(playlist) > 0) break;
      const now = Date.now();
      if (now - ensuredAt >= ENSURE_JOB_EVERY_MS) {
        ensuredAt = now;
        await deps.cameraQueues.wantPipeline(cameraId);
      }
      const st = await deps.status.read(cameraId);
      if (st.lastError && st.lastError.at >= requestedAt && st.state === "retrying") {
        const Cls = st.lastError.name === "CameraTimeoutError" ? CameraTimeoutError : CameraUnreachableError;
        throw new Cls(st.lastError.message);
      }
      if (now > deadline) throw new CameraTimeoutError(`camera ${cameraId} gave no video within ${Math.round((deadline - requestedAt) / 1000)} s`);
      await Bun.sleep(POLL_MS);
    }
  } catch (err) {
    if (created) await deps.sessions.end(session);
    throw err;
  }
  return {
    session_id: session.sessionId,
    hls_url: `/hls/${session.sessionId}/index.m3u8`,
    expires_at: new Date(session.expiresAt).toISOString(),
  };
}
