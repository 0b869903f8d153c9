/**
 * Timeouts by a camera's network class. A camera on the LAN answers fast; one behind a
 * VPN gets more time before camserver calls it hung.
 */

import type { CameraNetwork } from "../cameras/camera.ts";

/** Timeouts of one network class, ms. */
export interface NetworkTimeouts {
  /** From spawn to the first access unit; past it the camera is hung (HTTP 504). */
  readonly connectMs: number;
  /** ffmpeg's RTSP socket timeout (`-timeout`, µs on its command line). */
  readonly readMs: number;
  /** Alive but no video for this long: the stall watchdog kills and reconnects. */
  readonly stallMs: number;
}

/** The timeouts of each class. */
export const NETWORK_TIMEOUTS: Readonly<Record<CameraNetwork, NetworkTimeouts>> = {
  local: { connectMs: 5000, readMs: 3000, stallMs: 5000 },
  vpn: { connectMs: 10000, readMs: 5000, stallMs: 10000 },
};
