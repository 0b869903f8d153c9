/**
 * The live view's record button (admins only): `POST /v1/recordings {camera_id}` starts a
 * recording, `POST /v1/recordings/:id/stop` stops it. On open it looks for a recording of
 * the camera that is running already, so the button says what a click will do.
 */
import { api, ApiError, seg } from "./api.ts";
import type { RecordingView } from "./types.ts";

/** `GET /v1/recordings` answers a list, bare or as `{recordings}`. */
export function recordingList(data: unknown): RecordingView[] {
  if (Array.isArray(data)) return data as RecordingView[];
  const r = (data as { recordings?: unknown } | null)?.recordings;
  return Array.isArray(r) ? (r as RecordingView[]) : [];
}

/** The running recording of a camera, if any (looked up in the last 24 h). */
export async function runningRecording(cameraId: string): Promise<RecordingView | undefined> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const data = await api<unknown>("GET", `/v1/recordings?camera_id=${seg(cameraId)}&from=${seg(from)}&to=${seg(new Date().toISOString())}`);
  return recordingList(data).find((r) => r.state === "recording" && !r.ended_at);
}

/** One camera's record button. */
export class RecordControl {
  private running: RecordingView | undefined;
  private busy = false;

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly cameraId: string,
    private readonly say: (text: string, isError: boolean) => void,
  ) {}

  /** Shows the button with the camera's recording state. */
  async init(): Promise<void> {
    this.button.hidden = false;
    this.button.disabled = true;
    this.button.textContent = "Record";
    try {
      this.running = await runningRecording(this.cameraId);
      this.render();
    } catch (err) {
      // 404: the recordings API is not there (an older server); the button stays disabled.
      this.button.title = err instanceof ApiError && err.status === 404 ? "recordings are not available on this server" : (err as Error).message;
    }
  }

  /** Starts or stops a recording. */
  async toggle(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.button.disabled = true;
    try {
      if (this.running) {
        await api("POST", `/v1/recordings/${seg(this.running.id)}/stop`, {});
        this.say("recording stopped", false);
        this.running = undefined;
      } else {
        this.running = await api<RecordingView>("POST", "/v1/recordings", { camera_id: this.cameraId });
        this.say("recording", false);
      }
    } catch (err) {
      this.say((err as Error).message, true);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private render(): void {
    this.button.disabled = false;
    this.button.textContent = this.running ? "Stop recording" : "Record";
    this.button.setAttribute("aria-pressed", String(!!this.running));
    this.button.classList.toggle("recording", !!this.running);
  }
}
