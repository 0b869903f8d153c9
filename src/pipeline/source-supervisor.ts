/**
 * Keeps a camera's source running while it is wanted: one source session at a time,
 * reconnecting with backoff (1 s doubling to 30 s) after a failure, re-encoding when
 * the camera turns out not to send H.264, and publishing each state change
 * (connecting, live, retrying) with the last error, credentials removed.
 */
import { redactSecrets } from "../cameras/source-url.ts";
import type { DomainError } from "../errors.ts";
import { accessUnitsTotal, sourceSessionsTotal } from "../metrics.ts";
import { Backoff, sleep } from "./backoff.ts";
import type { HeldCamera, HolderDeps } from "./holder.ts";
import { NETWORK_TIMEOUTS } from "./network-class.ts";
import type { Pipeline } from "./pipeline.ts";
import { runSourceSession } from "./source-runner.ts";
import { NeedsFullProbeError, NeedsTranscodeError } from "./source-failure.ts";

/** Runs source sessions for one holder. */
export class SourceSupervisor {
  /** Set by the holder: whether any lease wants the camera now. */
  wanted = true;
  private readonly stopping = new AbortController();
  private wakeUp = new AbortController();
  private readonly backoff = new Backoff();
  private readonly loop: Promise<void>;
  private transcode = false;
  private probe: "fast" | "full" = "fast";
  /** Source sessions started. */
  sessions = 0;

  constructor(
    private readonly deps: HolderDeps,
    private readonly camera: HeldCamera,
    private readonly pipeline: Pipeline,
  ) {
    this.loop = this.run();
  }

  /** Ends a backoff wait now (a new lease arrived: try again at once). */
  wake(): void {
    this.wakeUp.abort();
  }

  private async run(): Promise<void> {
    const { deps, camera } = this;
    const stop = this.stopping.signal;
    const accessUnits = accessUnitsTotal.labels(camera.id);
    while (!stop.aborted) {
      if (!this.wanted) {
        await sleep(100, stop);
        continue;
      }
      await deps.status.write(camera.id, { state: "connecting", since: Date.now() });
      sourceSessionsTotal.labels(camera.id).inc();
      if (this.sessions++ > 0) this.pipeline.sourceRestarted();
      const err: DomainError = await runSourceSession({
        cameraId: camera.id,
        inputUrl: camera.inputUrl,
        timeouts: NETWORK_TIMEOUTS[camera.network],
        transcode: this.transcode,
        probe: this.probe,
        redact: (t) => redactSecrets(t, camera.secrets),
        onAccessUnit: (au) => {
          accessUnits.inc();
          this.pipeline.push(au);
        },
        onParameterSets: (sps, pps) => this.pipeline.setParameterSets(sps, pps),
        onFirstMedia: () => {
          this.backoff.reset();
          void deps.status.write(camera.id, { state: "live", since: Date.now() });
        },
        signal: stop,
      });
      if (stop.aborted) break;
      // Adapt to the camera once, at once: re-encode a non-H.264 camera, probe one whose
      // SDP does not describe its stream.
      if (err instanceof NeedsTranscodeError && !this.transcode) {
        this.transcode = true;
        deps.log.info({ camera: camera.id }, err.message);
        continue;
      }
      if (err instanceof NeedsFullProbeError && this.probe === "fast") {
        this.probe = "full";
        deps.log.info({ camera: camera.id }, err.message);
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

  /** Stops the running source session (its ffmpeg is killed and reaped) and the loop. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
