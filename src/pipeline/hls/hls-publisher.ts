/**
 * Copies a muxer's playlist and segments from its scratch directory into Redis, each
 * segment before the playlist that names it, so that any API process can serve the
 * session. Polls the playlist's mtime every `pollMs` (a stat is cheaper than the
 * segment it announces).
 */
import { stat } from "node:fs/promises";
import type { HlsSegmentStore } from "../../state/hls-segment-store.ts";

/** Keeps Redis in step with one muxer directory. */
export class HlsPublisher {
  private lastMtime = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  /** Segment name -> upload time (ms), to delete them at the end. */
  private readonly uploaded = new Map<string, number>();
  /** Segments listed in the last published playlist. */
  published = 0;

  constructor(
    private readonly store: HlsSegmentStore,
    private readonly cameraId: string,
    private readonly dir: string,
    private readonly pollMs = 25,
  ) {}

  /** Starts polling. */
  start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const path = `${this.dir}/index.m3u8`;
      const st = await stat(path).catch(() => undefined);
      if (!st || st.mtimeMs === this.lastMtime) return;
      this.lastMtime = st.mtimeMs;
      const text = await Bun.file(path).text();
      const names = text.split("\n").filter((l) => l.endsWith(".ts"));
      for (const name of names) {
        if (this.uploaded.has(name)) continue;
        const bytes = await Bun.file(`${this.dir}/${name}`).bytes();
        await this.store.putSegment(this.cameraId, name, bytes);
        this.uploaded.set(name, Date.now());
      }
      await this.store.putPlaylist(this.cameraId, text);
      this.published = names.length;
      const old = Date.now() - 120_000;
      for (const [n, at] of this.uploaded) if (at < old) this.uploaded.delete(n);
    } catch {
      // A segment deleted between playlist read and upload: the next poll catches up.
    } finally {
      this.busy = false;
    }
  }

  /** Stops polling and deletes the playlist and every segment this publisher uploaded. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.busy) await Bun.sleep(5);
    await this.store.clear(this.cameraId, this.uploaded.keys());
    this.uploaded.clear();
  }
}
