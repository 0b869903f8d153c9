/**
 * The pipeline job's processor: loads the camera and runs its holder until the camera
 * is no longer wanted. On worker shutdown it hands the job back to the queue (delayed
 * by 0 ms) so another worker takes the camera over instead of dropping its sessions.
 */
import { DelayedError, type Job } from "bullmq";
import type { CamerasRepository } from "../src/db/cameras-repository.ts";
import { SealedPasswordError } from "../src/db/password-seal.ts";
import { NotFoundError } from "../src/errors.ts";
import type { CameraRecord } from "../src/cameras/camera.ts";
import { CameraHolder, type HeldCamera, type HolderDeps } from "../src/pipeline/holder.ts";
import type { PipelineJob } from "../queues/payloads.ts";

/** What the pipeline processor needs besides the holder's services. */
export interface PipelineProcessorDeps extends HolderDeps {
  readonly cameras: CamerasRepository;
  /** Aborts every holder of this process (worker shutdown). */
  readonly shutdown: AbortSignal;
}

/** Builds the processor of camera queues. */
export function pipelineProcessor(deps: PipelineProcessorDeps) {
  return async (job: Job<PipelineJob>, token?: string, signal?: AbortSignal): Promise<string> => {
    const { cameraId } = job.data;
    let camera: CameraRecord;
    const held = (c: CameraRecord): HeldCamera => ({
      id: c.id,
      sourceUrl: c.sourceUrl,
      username: c.username,
      password: c.password,
      network: c.network,
      sourceEngine: c.sourceEngine,
      maxViewers: c.maxViewers,
    });
    try {
      camera = await deps.cameras.get(cameraId);
    } catch (err) {
      if (err instanceof NotFoundError) {
        await deps.leases.releaseAll(cameraId);
        return "camera deleted";
      }
      if (err instanceof SealedPasswordError) {
        // Only this camera fails, with its reason in its state, until the secret or password is fixed.
        deps.log.error({ camera: cameraId, err: err.message }, "camera password does not open");
        await deps.status.write(cameraId, { state: "idle", since: Date.now(), lastError: { name: err.name, message: err.message, at: Date.now() } });
        await deps.leases.releaseAll(cameraId);
        return "password does not open";
      }
      throw err;
    }
    const reloadCamera = async (id: string) => held(await deps.cameras.get(id));
    const holder = new CameraHolder({ ...deps, reloadCamera }, held(camera));
    const abort = signal ? AbortSignal.any([deps.shutdown, signal]) : deps.shutdown;
    const end = await holder.run(abort);
    if (end === "aborted" && deps.shutdown.aborted && token) {
      const { total } = await deps.leases.count(cameraId);
      if (total > 0) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
    }
    return end;
  };
}
