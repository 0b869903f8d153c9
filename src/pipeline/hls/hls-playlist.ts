/**
 * The live media playlist of one camera (RFC 8216 §4.3.3): a sliding window of the last
 * `windowSize` segments with EXT-X-MEDIA-SEQUENCE, and EXT-X-DISCONTINUITY before the
 * first segment after a source reconnect (with EXT-X-DISCONTINUITY-SEQUENCE counting
 * the ones that slid out, §4.3.3.3). camserver writes it itself, so an HLS session
 * survives reconnects and muxer restarts without the player seeing a new stream.
 */

/** One segment as the playlist lists it. */
export interface PlaylistSegment {
  /** File name, relative to the playlist. */
  readonly name: string;
  /** Duration in seconds. */
  readonly durationSec: number;
  /** A discontinuity (reconnect) precedes this segment. */
  readonly discontinuity: boolean;
}

/** A sliding-window live playlist. */
export class HlsPlaylist {
  private readonly window: PlaylistSegment[] = [];
  private mediaSequence = 0;
  private discontinuitySequence = 0;
  private targetDuration = 1;

  /** @param windowSize segments listed @defaultValue 3 (the seed's hls_list_size) */
  constructor(private readonly windowSize = 3) {}

  /**
   * Appends a segment; the oldest slides out past the window.
   * @returns the names that slid out (the caller may delete them)
   */
  add(segment: PlaylistSegment): string[] {
    this.window.push(segment);
    this.targetDuration = Math.max(this.targetDuration, Math.ceil(segment.durationSec - 0.0005));
    const gone: string[] = [];
    while (this.window.length > this.windowSize) {
      const old = this.window.shift()!;
      this.mediaSequence++;
      if (this.window[0]?.discontinuity) this.discontinuitySequence++;
      gone.push(old.name);
    }
    return gone;
  }

  /** Number of segments listed. */
  get length(): number {
    return this.window.length;
  }

  /** The playlist text. */
  render(): string {
    const lines = ["#EXTM3U", "#EXT-X-VERSION:3", `#EXT-X-TARGETDURATION:${this.targetDuration}`, `#EXT-X-MEDIA-SEQUENCE:${this.mediaSequence}`];
    if (this.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySequence}`);
    this.window.forEach((s, i) => {
      if (s.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
      lines.push(`#EXTINF:${s.durationSec.toFixed(3)},`, s.name);
    });
    return `${lines.join("\n")}\n`;
  }
}
