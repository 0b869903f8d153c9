/**
 * ffmpeg arguments of the HLS muxer: FLV (H.264 with our timestamps) on stdin ->
 * MPEG-TS segments of 1 s, 3 in the playlist, old ones deleted, `-c:v copy` (the seed's
 * HLS settings). Re-encoding, when a camera needs it, happens once in its source.
 */

/**
 * @param dir scratch directory of this muxer run
 * @param runId short lowercase id that prefixes segment names, so runs never collide
 */
export function hlsMuxerArgs(dir: string, runId: string): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
    // The input starts with an IDR carrying SPS/PPS: nothing to probe for.
    "-probesize", "32", "-analyzeduration", "0",
    "-f", "flv", "-i", "pipe:0",
    "-c:v", "copy",
    "-f", "hls",
    "-hls_time", "1",
    "-hls_list_size", "3",
    "-hls_flags", "delete_segments+omit_endlist+temp_file+independent_segments",
    "-hls_segment_filename", `${dir}/${runId}_%d.ts`,
    `${dir}/index.m3u8`,
  ];
}
