/**
 * Keeps a camera's source running while it is wanted: one source session at a time,
 * reconnecting with backoff (1 s doubling to 30 s) after a failure, and publishing each
 * state change (connecting, live, retrying) with the engine and the last error,
 * credentials removed. A native source that meets a feature it does not support hands the
 * camera to the ffmpeg engine once (logged once, shown as the camera's `engine`), unless
 * the camera's `source_engine` is `native`.
 */
import { redactSecrets } from "../../cameras/source-url.ts";
import type { Logger } from "../../log.ts";
import { accessUnitsTotal, sourceSessionsTotal } from "../../metrics.ts";
import type { CameraStatusStore } from "../../state/camera-status-store.ts";
import { NETWORK_TIMEOUTS } from "../network-class.ts";
import type { Pipeline } from "../pipeline.ts";
import { Backoff, sleep } from "./backoff.ts";
import { FfmpegSource } from "./ffmpeg-source.ts";
import { NativeUnsupportedError, type SessionEnd, type Source, type SourceCamera } from "./source.ts";
import { createSource } from "./source-table.ts";

/** What a supervisor uses. */
export interface SupervisorDeps {
  readonly status: CameraStatusStore;
  readonly log: Logger;
}

/** Runs source sessions for one holder. */
export class SourceSupervisor {
  /** Set by the holder: whether any lease wants the camera now. */
  wanted = true;
  private readonly stopping = new AbortController();
  private wakeUp = new AbortController();
  private readonly backoff = new Backoff();
  private readonly loop: Promise<void>;
  private source: Source;
  private readonly secrets: string[];
  /** Source sessions started. */
  sessions = 0;

  constructor(
    private readonly deps: SupervisorDeps,
    private readonly camera: SourceCamera,
    private readonly pipeline: Pipeline,
  ) {
    this.secrets = [camera.password ?? "", camera.username ?? ""].filter((s) => s.length >= 3);
    this.source = createSource(camera, { log: deps.log });
    this.loop = this.run();
  }

  /** The engine that pulls the camera now: `rtsp`, `ffmpeg`, `ffmpeg-transcode` or `shm`. */
  get engine(): string {
    return this.source instanceof FfmpegSource && this.source.transcoding ? "ffmpeg-transcode" : this.source.kind;
  }

  /** Ends a backoff wait now (a new lease arrived: try again at once). */
  wake(): void {
    this.wakeUp.abort();
  }

  private async run(): Promise<void> {
    const { deps, camera } = this;
    const stop = this.stopping.signal;
    const accessUnits = accessUnitsTotal.labels(camera.id);
    // prom-client hashes the labels on every inc: access units are counted here and added to
    // the counter at most once a second (the first at once), and when a session ends.
    let uncounted = 0;
    let countedAt = Number.NEGATIVE_INFINITY;
    while (!stop.aborted) {
      if (!this.wanted) {
        await sleep(100, stop);
        continue;
      }
      await deps.status.write(camera.id, { state: "connecting", since: Date.now(), engine: this.engine });
      sourceSessionsTotal.labels(camera.id).inc();
      if (this.sessions++ > 0) this.pipeline.sourceRestarted();
      const err: SessionEnd = await this.source.run({
        camera,
        timeouts: NETWORK_TIMEOUTS[camera.network],
        redact: (t) => redactSecrets(t, this.secrets),
        onAccessUnit: (au) => {
          uncounted++;
          const now = performance.now();
          if (now - countedAt >= 1000) {
            accessUnits.inc(uncounted);
            uncounted = 0;
            countedAt = now;
          }
          this.pipeline.push(au);
        },
        onParameterSets: (sps, pps) => this.pipeline.setParameterSets(sps, pps),
        onFirstMedia: () => {
          this.backoff.reset();
          void deps.status.write(camera.id, { state: "live", since: Date.now(), engine: this.engine });
        },
        signal: stop,
      });
      if (uncounted > 0) accessUnits.inc(uncounted);
      uncounted = 0;
      if (stop.aborted) break;
      if (err instanceof NativeUnsupportedError && camera.sourceEngine === "auto") {
        deps.log.warn({ camera: camera.id, reason: err.message }, "native source cannot pull this camera: using ffmpeg");
        this.source = new FfmpegSource({ transcode: err.transcode, log: deps.log });
        continue;
      }
      const delay = this.backoff.take();
      deps.log.warn({ camera: camera.id, err: err.message, retryInMs: delay }, "source ended");
      await deps.status.write(camera.id, {
        state: "retrying",
        since: Date.now(),
        lastError: { name: err.name, message: err.message, at: Date.now() },
      });
      this.wakeUp = new AbortController();
      await sleep(delay, AbortSignal.any([stop, this.wakeUp.signal]));
    }
  }

  /** Stops the running source session (its connection closed, any child killed and reaped) and the loop. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
