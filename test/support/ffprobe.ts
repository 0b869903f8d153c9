/** `codec,width,height` of the first video stream in `bytes` (an MPEG-TS segment), by ffprobe. */
export function probeVideo(bytes: Uint8Array): string {
  const r = Bun.spawnSync(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", "-"], { stdin: bytes, timeout: 20_000 });
  return r.stdout.toString().trim().split("\n")[0] ?? "";
}
