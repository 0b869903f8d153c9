/**
 * The camera as the rest of camserver sees it: the stored record and the shapes used to
 * create and change one. Pure types; `src/db` stores them, `camera-input.ts` builds them
 * from API bodies.
 */

/** Network class of a camera; it picks connect and stall timeouts. */
export type CameraNetwork = "local" | "vpn";

/** Every accepted network class, in display order. */
export const cameraNetworks: readonly CameraNetwork[] = ["local", "vpn"];

/**
 * How a camera's RTSP stream is pulled: `auto` is camserver's own RTSP client with an
 * ffmpeg fallback, `native` only the own client, `ffmpeg` only ffmpeg.
 */
export type CameraSourceEngine = "auto" | "native" | "ffmpeg";

/** Every accepted source engine; the first is the default. */
export const cameraSourceEngines: readonly CameraSourceEngine[] = ["auto", "native", "ffmpeg"];

/** One stored camera. */
export interface CameraRecord {
  /** Stable id, `/^[A-Za-z0-9_-]{1,64}$/`, compared case-sensitively. */
  readonly id: string;
  /** Display name, 1-200 characters. */
  readonly name: string;
  /** `rtsp://`, `rtsps://`, `shm://NAME` or an absolute file path; never contains credentials. */
  readonly sourceUrl: string;
  /** RTSP user name, or null when the camera needs none. */
  readonly username: string | null;
  /** RTSP password in clear text (ffmpeg needs it), or null. Never leaves the server. */
  readonly password: string | null;
  /** Network class, see {@link CameraNetwork}. */
  readonly network: CameraNetwork;
  /** Seconds between periodic snapshots, 0-86400; 0 turns polling off. */
  readonly snapshotIntervalS: number;
  /** Most WebRTC viewers of this camera at once, 1-1000. */
  readonly maxViewers: number;
  /** How its stream is pulled, see {@link CameraSourceEngine}. */
  readonly sourceEngine: CameraSourceEngine;
  /** The tag a worker must have to hold this camera (`worker-tag.ts`); null = any worker. */
  readonly workerTag: string | null;
  /** Creation instant in epoch milliseconds. */
  readonly createdAt: number;
  /** Last change instant in epoch milliseconds. */
  readonly updatedAt: number;
}

/**
 * What is needed to store a new camera; instants are set by the repository, and so are
 * absent settings (their defaults, see `camera-settings.ts`).
 */
export interface NewCamera {
  readonly id: string;
  readonly name: string;
  /** Must not contain credentials (the repository rejects userinfo). */
  readonly sourceUrl: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly network: CameraNetwork;
  /** @defaultValue 0 (no periodic snapshots) */
  readonly snapshotIntervalS?: number;
  /** @defaultValue 10 */
  readonly maxViewers?: number;
  /** @defaultValue "auto" */
  readonly sourceEngine?: CameraSourceEngine;
  /** @defaultValue null (any worker) */
  readonly workerTag?: string | null;
}

/**
 * A change to a stored camera: absent fields stay as they are, `null` clears
 * `username`, `password` or `workerTag`. The id never changes.
 */
export interface CameraPatch {
  readonly name?: string;
  readonly sourceUrl?: string;
  readonly username?: string | null;
  readonly password?: string | null;
  readonly network?: CameraNetwork;
  readonly snapshotIntervalS?: number;
  readonly maxViewers?: number;
  readonly sourceEngine?: CameraSourceEngine;
  /** null: any worker. */
  readonly workerTag?: string | null;
}
