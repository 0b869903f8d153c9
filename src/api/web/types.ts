/**
 * API shapes as the console reads them (the server's JSON; see the README's API table).
 * Only the fields the console uses; unknown fields are ignored.
 */
import type { PublicEvent } from "../../events/event.ts";

export type { PublicEvent };

/** `GET /v1/me`. */
export interface Me {
  name: string;
  role: "admin" | "viewer" | string;
}

/** `GET /v1/cameras` item. */
export interface CameraView {
  id: string;
  name: string;
  source_url: string;
  username: string | null;
  has_password: boolean;
  network: "local" | "vpn";
  snapshot_interval_s: number;
  max_viewers: number;
  state: "idle" | "connecting" | "live" | "retrying" | string;
  since: string | null;
  last_error: { message: string; at: string } | null;
  consumers: Record<string, number>;
  engine?: string | null;
}

/** `POST /v1/streams/start`. */
export interface StreamStarted {
  session_id: string;
  hls_url: string;
  expires_at: string;
}

/** `GET /v1/recordings` item (fields the console reads; the rest is shown as given). */
export interface RecordingView {
  id: string;
  camera_id: string;
  state: string;
  started_at: string;
  ended_at: string | null;
  duration_ms?: number;
  bytes?: number;
  format?: string;
  trigger?: string;
}

/** `POST /v1/cameras/test`, `POST /v1/cameras/:id/test`. */
export interface CameraTestResult {
  ok: boolean;
  rtsp_status: string | null;
  codec: string | null;
  profile: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  elapsed_ms: number;
  error: string | null;
}

/** A stored API token as listed (never the token itself). */
export interface TokenView {
  id: number;
  name: string;
  role: string;
  created_at: string;
  revoked_at: string | null;
}
