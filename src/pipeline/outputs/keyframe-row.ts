/**
 * The `snapshot` row: while a camera is held, every keyframe goes to Redis
 * (`KeyframePublisher`) so a snapshot job on any worker can decode it; removed on stop.
 */
import type { KeyframeStore } from "../../state/keyframe-store.ts";
import { KeyframePublisher } from "../snapshot/keyframe-publisher.ts";
import type { Output, OutputRow } from "./output.ts";

/** The keyframe row, always on while the camera is held. */
export function keyframeRow(store: KeyframeStore): OutputRow {
  return {
    kind: "snapshot",
    always: true,
    create({ camera, pipeline }): Output {
      const publisher = new KeyframePublisher(store, camera.id);
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
