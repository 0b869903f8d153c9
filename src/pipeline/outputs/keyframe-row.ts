/**
 * The `snapshot` row: while snapshots of a camera are asked for, its keyframes go to Redis
 * (`KeyframePublisher`) so a snapshot job on any worker can decode one. The row starts with
 * a `snapshot` lease, publishes the cached GOP's keyframe at once, and lingers (30 s by
 * default) after the last lease: a client that polls snapshots keeps the fast path, and a
 * camera nobody takes snapshots of sends no keyframes to Redis (docs/architecture.md,
 * "The output table"). On stop the stored keyframe is removed.
 */
import type { KeyframeStore } from "../../state/keyframe-store.ts";
import { KeyframePublisher } from "../snapshot/keyframe-publisher.ts";
import type { Output, OutputRow } from "./output.ts";

/** How long keyframes keep being published after the last snapshot lease by default, ms. */
export const KEYFRAME_LINGER_MS = 30_000;

/**
 * The keyframe row: on while snapshots are asked for, and `lingerMs` after.
 * @param lingerMs ms after the last snapshot lease (`SNAPSHOT_LINGER_MS`)
 */
export function keyframeRow(store: KeyframeStore, lingerMs = KEYFRAME_LINGER_MS): OutputRow {
  return {
    kind: "snapshot",
    lingerMs,
    create({ camera, pipeline }): Output {
      const publisher = new KeyframePublisher(store, camera.id, pipeline);
      return {
        running: true,
        dropped: 0,
        async start() {
          pipeline.attach(publisher);
        },
        async stop() {
          pipeline.detach(publisher);
          await store.remove(camera.id);
        },
      };
    },
  };
}
