/**
 * `stream-start` processor: opens (or extends) the camera's shared HLS session, makes
 * sure the camera's pipeline job exists, and answers once the session's playlist lists
 * a segment, so the URL plays at once. A camera that refuses or hangs fails the job
 * with the domain error (502 / 504) and the session it created is ended, also when an
 * earlier run of the job created it and then lost its worker.
 */
import type { Job } from "bullmq";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import { playlistSegmentCount, type HlsSegmentStore } from "../src/state/hls-segment-store.ts";
import type { HlsSessionStore } from "../src/state/hls-session-store.ts";
import type { StreamStartJob, StreamStartResult } from "../queues/payloads.ts";
import { awaitCamera, type AwaitCameraDeps } from "./await-camera.ts";
import { domainFailure } from "./domain-failure.ts";

/** Services of the stream-start processor. */
export interface StreamStartDeps extends AwaitCameraDeps {
  readonly cameras: CamerasRepository;
  readonly sessions: HlsSessionStore;
  readonly segments: HlsSegmentStore;
}

/** Time for one GOP wait and the first segment after the connect timeout, with room for a re-encode. */
const FIRST_SEGMENT_MS = 15_000;

/** Builds the processor of the `stream-start` queue. */
export function streamStartProcessor(deps: StreamStartDeps) {
  return (job: Job<StreamStartJob>): Promise<StreamStartResult> => domainFailure(() => startStream(deps, job.data.cameraId, job.id));
}

/** `jobId` names the opener: a run of the same job after its worker died owns the session the dead run opened. */
async function startStream(deps: StreamStartDeps, cameraId: string, jobId: string | undefined): Promise<StreamStartResult> {
  const camera = await deps.cameras.get(cameraId);
  const requestedAt = Date.now();
  const { session, created } = await deps.sessions.openOrExtend(cameraId, jobId === undefined ? undefined : `stream-start:${jobId}`);
  try {
    await awaitCamera(
      deps,
      cameraId,
      camera.network,
      requestedAt,
      FIRST_SEGMENT_MS,
      async () => {
        const playlist = await deps.segments.playlist(cameraId);
        return playlist && playlistSegmentCount(playlist) > 0 ? true : undefined;
      },
      "stream",
    );
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
