/**
 * The `webrtc` row: while a camera is held, its WebRTC hub listens for offers on the
 * camera's signalling channel and feeds every viewer the same RTP packets. It runs before
 * the first `webrtc` lease exists, because the offer that creates the lease comes to it.
 */
import type Redis from "ioredis";
import type { Logger } from "../../log.ts";
import type { Keys } from "../../state/keys.ts";
import type { LeaseStore } from "../../state/lease-store.ts";
import type { WebRtcSignals } from "../../state/webrtc-signals.ts";
import { WebRtcHub } from "../webrtc/webrtc-hub.ts";
import type { WebRtcNetwork } from "../webrtc/whep-peer.ts";
import type { Output, OutputRow } from "./output.ts";

/** What the WebRTC row uses. */
export interface WebRtcRowDeps {
  /** Duplicated once per held camera for its signalling subscription. */
  readonly redis: Redis;
  readonly keys: Keys;
  readonly signals: WebRtcSignals;
  readonly leases: LeaseStore;
  readonly net: WebRtcNetwork;
  readonly workerId: string;
  readonly log: Logger;
}

/** The WebRTC row, always on while the camera is held. */
export function webrtcRow(d: WebRtcRowDeps): OutputRow {
  return {
    kind: "webrtc",
    always: true,
    create({ camera, pipeline }): Output {
      const hub = new WebRtcHub(
        {
          subscriber: d.redis.duplicate(),
          channel: d.keys.webrtcChannel(camera.id),
          signals: d.signals,
          leases: d.leases,
          log: d.log,
          net: d.net,
          workerId: d.workerId,
        },
        camera.id,
        pipeline,
        camera.maxViewers,
      );
      return {
        running: true,
        dropped: 0,
        start: () => hub.start(),
        tick: () => hub.tick(),
        stop: () => hub.stop(),
      };
    },
  };
}
