/** Native RTSP source (placeholder until the native client lands: falls back to ffmpeg). */
import type { DomainError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { NativeUnsupportedError, type Source, type SourceSession } from "./source.ts";

/** Options of the native RTSP source. */
export interface RtspSourceOptions {
  readonly log?: Logger;
}

/** A camera pulled by camserver's own RTSP client. */
export class RtspSource implements Source {
  readonly kind = "rtsp";
  constructor(readonly opts: RtspSourceOptions = {}) {}
  async run(s: SourceSession): Promise<DomainError> {
    return new NativeUnsupportedError(`camera ${s.camera.id}: native RTSP client not available`);
  }
}
