/**
 * The raw-ffmpeg reference every HLS benchmark compares camserver with: one ffmpeg pulling the
 * camera over RTSP/TCP and writing 1 s HLS segments (`-c:v copy`, a 3-segment live playlist).
 */

/** The ffmpeg command (argv) that writes `playlist` from the camera at `url`. */
export function rawHlsCommand(url: string, playlist: string): string[] {
  return [
    "ffmpeg",
    ...["-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url],
    ...["-c:v", "copy", "-an", "-f", "hls", "-hls_time", "1", "-hls_list_size", "3"],
    ...["-hls_flags", "delete_segments+omit_endlist", playlist],
  ];
}
