/**
 * Plays recorded video from a moment: `GET /v1/cameras/:id/playback?start=ISO&duration_s=N`
 * fetched with the token header (a `<video src>` cannot send one). An fMP4 answer is
 * streamed into Media Source Extensions as it arrives (the codec string read from the
 * avcC box, ISO/IEC 14496-15 §5.3.3.1), so playback starts before the whole span is
 * downloaded; anything else (or a browser without MSE) plays from a Blob URL. The answer
 * begins at a keyframe up to one segment before the moment asked for (`X-Playback-Start`);
 * the player seeks to the moment.
 */
import { request, seg } from "./api.ts";

/** `avc1.PPCCLL` from the first avcC box in `bytes`, or undefined when none is there yet. */
export function avcCodecString(bytes: Uint8Array): string | undefined {
  for (let i = 4; i + 8 <= bytes.length; i++) {
    if (bytes[i] === 0x61 && bytes[i + 1] === 0x76 && bytes[i + 2] === 0x63 && bytes[i + 3] === 0x43) {
      const hex = (n: number) => n.toString(16).padStart(2, "0");
      return `avc1.${hex(bytes[i + 5]!)}${hex(bytes[i + 6]!)}${hex(bytes[i + 7]!)}`;
    }
  }
  return undefined;
}

/** One playback into one video element; `stop()` aborts the download and frees the URL. */
export class RecordedPlayback {
  private abort = new AbortController();
  private url: string | null = null;

  constructor(private readonly video: HTMLVideoElement) {}

  /**
   * Plays `durationS` seconds of `cameraId` from `start` (epoch ms).
   * @throws ApiError when the server refuses (404: nothing recorded then)
   */
  async play(cameraId: string, start: number, durationS: number): Promise<"mse" | "blob"> {
    this.stop();
    const abort = (this.abort = new AbortController());
    const path = `/v1/cameras/${seg(cameraId)}/playback?start=${seg(new Date(start).toISOString())}&duration_s=${Math.max(1, Math.round(durationS))}`;
    const res = await request("GET", path);
    if (abort.signal.aborted) return "blob";
    const type = res.headers.get("content-type") ?? "";
    const begins = Date.parse(res.headers.get("x-playback-start") ?? "");
    const offsetS = Number.isFinite(begins) && begins < start ? (start - begins) / 1000 : 0;
    if (offsetS > 0) this.video.addEventListener("loadedmetadata", () => (this.video.currentTime = offsetS), { once: true });
    if (typeof MediaSource !== "undefined" && type.includes("mp4") && res.body) {
      try {
        await this.stream(res.body, abort.signal);
        return "mse";
      } catch {
        if (abort.signal.aborted) return "mse";
        return this.playBlob(await request("GET", path));
      }
    }
    return this.playBlob(res);
  }

  /** Stops playback and the download. */
  stop(): void {
    this.abort.abort();
    this.video.pause();
    this.video.removeAttribute("src");
    this.video.load();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }

  private async playBlob(res: Response): Promise<"blob"> {
    this.url = URL.createObjectURL(await res.blob());
    this.video.src = this.url;
    await this.video.play().catch(() => {});
    return "blob";
  }

  private async stream(body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
    const ms = new MediaSource();
    this.url = URL.createObjectURL(ms);
    this.video.src = this.url;
    await new Promise((resolve) => ms.addEventListener("sourceopen", resolve, { once: true }));
    const reader = body.getReader();
    signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
    let head = new Uint8Array(0);
    let sb: SourceBuffer | undefined;
    const append = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => {
        sb!.addEventListener("updateend", () => resolve(), { once: true });
        sb!.addEventListener("error", () => reject(new Error("the browser refused the media")), { once: true });
        sb!.appendBuffer(chunk as BufferSource);
      });
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) break;
      if (!sb) {
        const joined = new Uint8Array(head.length + value.length);
        joined.set(head);
        joined.set(value, head.length);
        head = joined;
        const codec = avcCodecString(head);
        if (!codec) {
          if (head.length > 1024 * 1024) throw new Error("no avcC box in the first MiB");
          continue;
        }
        sb = ms.addSourceBuffer(`video/mp4; codecs="${codec}"`);
        await append(head);
        void this.video.play().catch(() => {});
      } else {
        await append(value);
      }
    }
    if (ms.readyState === "open" && sb && !signal.aborted) ms.endOfStream();
    if (!sb && !signal.aborted) throw new Error("the answer held no video");
  }
}
