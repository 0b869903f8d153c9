/**
 * A tile's picture: the latest POLLED snapshot (`GET /v1/cameras/:id/snapshot/latest`),
 * which camserver serves from Redis without touching the camera. Fetched with the token
 * header and shown through an object URL (an `<img src>` cannot send headers); the previous
 * URL is revoked when a new one replaces it. 404 means "no polled snapshot yet".
 */
import { request, seg, ApiError } from "./api.ts";

/** A loaded snapshot: its object URL and the instant its keyframe arrived (epoch ms). */
export interface Snapshot {
  readonly url: string;
  readonly at: number;
}

/** Loads and keeps one object URL per camera. */
export class SnapshotLoader {
  private readonly urls = new Map<string, Snapshot>();

  /** The camera's current snapshot, if one was loaded. */
  get(cameraId: string): Snapshot | undefined {
    return this.urls.get(cameraId);
  }

  /**
   * Fetches the camera's latest polled snapshot; keeps the old one when nothing newer came.
   * @returns the current snapshot, or undefined when the camera has none
   */
  async load(cameraId: string): Promise<Snapshot | undefined> {
    const old = this.urls.get(cameraId);
    let res: Response;
    try {
      res = await request("GET", `/v1/cameras/${seg(cameraId)}/snapshot/latest`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.drop(cameraId);
        return undefined;
      }
      return old;
    }
    const at = Date.parse(res.headers.get("x-snapshot-at") ?? "") || Date.now();
    if (old && old.at >= at) {
      await res.body?.cancel();
      return old;
    }
    const snap = { url: URL.createObjectURL(await res.blob()), at };
    this.urls.set(cameraId, snap);
    if (old) URL.revokeObjectURL(old.url);
    return snap;
  }

  /** Revokes a camera's URL (camera gone). */
  drop(cameraId: string): void {
    const old = this.urls.get(cameraId);
    if (old) URL.revokeObjectURL(old.url);
    this.urls.delete(cameraId);
  }

  /** Cameras with a loaded snapshot. */
  cameras(): string[] {
    return [...this.urls.keys()];
  }
}
