/**
 * Decodes one keyframe (Annex-B: SPS, PPS, IDR) into a JPEG with a one-shot ffmpeg:
 * no camera connection, no probing beyond the bytes given.
 */
import { spawnChild } from "../../proc/spawn-child.ts";
import { ProcessError } from "../../proc/errors.ts";

/**
 * @param annexB the keyframe, SPS/PPS in front
 * @param timeoutMs whole-life limit of the decoder @defaultValue 5000
 * @returns JPEG bytes
 * @throws ProcessError when ffmpeg fails or outputs nothing
 */
export async function decodeKeyframeToJpeg(annexB: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
  const child = spawnChild({
    cmd: [
      "ffmpeg",
      "-hide_banner",
      "-nostats",
      "-loglevel",
      "error",
      "-f",
      "h264",
      "-i",
      "pipe:0",
      "-frames:v",
      "1",
      "-q:v",
      "4",
      "-f",
      "image2",
      "-c:v",
      "mjpeg",
      "pipe:1",
    ],
    label: "snapshot decoder",
    stdin: "pipe",
    stdout: "pipe",
    timeoutMs,
  });
  child.stdin!.write(annexB);
  await child.stdin!.end();
  const jpeg = new Uint8Array(await new Response(child.stdout!).arrayBuffer());
  const exit = await child.exited;
  if (jpeg.byteLength === 0 || exit.code !== 0) {
    throw new ProcessError("snapshot decoder", `no JPEG (exit ${exit.code ?? exit.signal}): ${exit.stderrTail.trim().split("\n").at(-1) ?? ""}`);
  }
  return jpeg;
}
