/**
 * Outputs of a held camera as rows of one table keyed by lease kind (hls, webrtc, record,
 * snapshot): the holder starts a row's output while the camera has leases of its kind (or
 * always, for rows that must listen before the first lease, such as WebRTC signalling) and
 * stops it when they end (or a while after, for rows that linger). Adding an output is one
 * file and one row.
 */
import type { LeaseKind } from "../../state/lease-store.ts";
import type { SourceCamera } from "../source/source.ts";
import type { Pipeline } from "../pipeline.ts";

/** A running output of one camera. */
export interface Output {
  /** False once the output died on its own: the holder stops it and starts a new one. */
  readonly running: boolean;
  /** Access units this output lost since it started (slow consumer), for metrics. */
  readonly dropped: number;
  /** Attaches to the pipeline and starts; the cached GOP comes first. */
  start(): Promise<void>;
  /** Called on every holder tick (250 ms) while the output runs. */
  tick?(): Promise<void>;
  /** Detaches, stops and releases everything it made (children, sockets, Redis keys, files). */
  stop(): Promise<void>;
}

/** The camera a row's output is made for. */
export interface OutputContext {
  /** The held camera (never log its credentials). */
  readonly camera: HeldCamera;
  readonly pipeline: Pipeline;
}

/** The camera as the holder and its outputs see it. */
export interface HeldCamera extends SourceCamera {
  /** Most WebRTC viewers at once. */
  readonly maxViewers: number;
}

/** One row of the output table. */
export interface OutputRow {
  /** The lease kind that wants this output. */
  readonly kind: LeaseKind;
  /** Run while the camera is held at all, not only while leases of `kind` exist. @defaultValue false */
  readonly always?: boolean;
  /**
   * Keep the output running this long after the camera's last lease of `kind`, ms: a client
   * that asks again soon finds it still running. @defaultValue 0
   */
  readonly lingerMs?: number;
  create(ctx: OutputContext): Output;
}
