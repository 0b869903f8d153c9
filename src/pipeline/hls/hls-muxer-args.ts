/**
 * ffmpeg arguments of one HLS segmenter run: FLV (H.264 with the pipeline's timestamps)
 * on stdin -> MPEG-TS segments of about 1 s, cut at keyframes, listed in a CSV as each one
 * completes (`name,start,end`). camserver writes the playlist itself (hls-playlist.ts).
 * Re-encoding, when a camera needs it, happens once in its source, never here.
 */

/**
 * @param dir scratch directory of this run
 * @param runId short lowercase id that prefixes segment names, so runs never collide
 */
export function hlsMuxerArgs(dir: string, runId: string): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
    // The input starts with an IDR carrying SPS/PPS: nothing to probe for.
    "-probesize", "32", "-analyzeduration", "0",
    "-f", "flv", "-i", "pipe:0",
    "-c:v", "copy",
    "-f", "segment",
    "-segment_time", "1",
    "-segment_format", "mpegts",
    "-segment_list", `${dir}/segments.csv`,
    "-segment_list_type", "csv",
    "-segment_list_flags", "live",
    `${dir}/${runId}_%d.ts`,
  ];
}
