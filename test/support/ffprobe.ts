/** `codec,width,height` of the first video stream in `bytes` (an MPEG-TS segment), by ffprobe. */
export function probeVideo(bytes: Uint8Array): string {
  const r = Bun.spawnSync(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", "-"], {
    stdin: bytes,
    timeout: 20_000,
  });
  return r.stdout.toString().trim().split("\n")[0] ?? "";
}

/**
 * `codec,width,height` of the first video stream at an RTSP `url`, by ffprobe over `transport`
 * (RTP over TCP interleaved or UDP), with the socket time-out `timeoutMs`; "" when ffprobe fails.
 * `error` holds ffprobe's last stderr line (e.g. `... 401 Unauthorized ...`).
 */
export async function probeRtsp(url: string, transport: "tcp" | "udp" = "tcp", timeoutMs = 5000): Promise<{ video: string; exitCode: number; error: string }> {
  const p = Bun.spawn(
    [
      "ffprobe",
      "-v",
      "error",
      "-rtsp_transport",
      transport,
      "-timeout",
      String(timeoutMs * 1000),
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,width,height",
      "-of",
      "csv=p=0",
      url,
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs * 3);
  const [out, err, exitCode] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { video: out.trim().split("\n")[0] ?? "", exitCode, error: err.trim().split("\n").at(-1) ?? "" };
}
