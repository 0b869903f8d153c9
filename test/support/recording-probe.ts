/**
 * Checks of recorded files with the real ffprobe/ffmpeg: decode errors, per-frame key
 * flags, duration, and the H.264 NAL units of an Annex-B file (every IDR must have SPS and
 * PPS in front).
 */
import { splitAnnexB } from "../../src/media/annexb.ts";

/** One decoded frame as ffprobe reports it. */
export interface ProbedFrame {
  readonly keyFrame: boolean;
  readonly pictType: string;
  /** Seconds, or NaN when ffprobe gives none (raw .h264). */
  readonly pts: number;
}

function run(cmd: string[], stdin?: Uint8Array): { stdout: string; stderr: string; code: number } {
  const r = Bun.spawnSync(cmd, { stdin: stdin ?? "ignore", timeout: 60_000, stdout: "pipe", stderr: "pipe" });
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), code: r.exitCode ?? -1 };
}

/**
 * What `ffmpeg -v error` says while decoding every frame of `file` ("" = no error). Frames keep
 * the file's own time base (`-enc_time_base -1`): a camera whose frames come at an irregular
 * pace (a shared-memory daemon stamping write times) is valid, but two frames closer than the
 * null muxer's default 1/frame-rate tick would be reported as "non monotonically increasing dts".
 */
export function decodeErrors(file: string, format?: string): string {
  const r = run(["ffmpeg", "-nostdin", "-v", "error", ...(format ? ["-f", format] : []), "-i", file, "-enc_time_base", "-1", "-f", "null", "-"]);
  return (r.stderr + (r.code === 0 ? "" : `exit ${r.code}`)).trim();
}

/** Every video frame of `file`, decoded, in presentation order. */
export function probeFrames(file: string, format?: string): ProbedFrame[] {
  const r = run([
    "ffprobe",
    "-v",
    "error",
    ...(format ? ["-f", format] : []),
    "-select_streams",
    "v:0",
    "-show_entries",
    "frame=key_frame,pict_type,pts_time",
    "-of",
    "csv=p=0",
    file,
  ]);
  return r.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [k, a, b] = l.split(",");
      // csv order follows ffprobe's field order: key_frame, pts_time, pict_type
      const pictType = /^[IPB?]$/.test(a ?? "") ? a! : (b ?? "");
      const pts = Number(/^[IPB?]$/.test(a ?? "") ? b : a);
      return { keyFrame: k === "1", pictType, pts };
    });
}

/** Container duration in seconds as ffprobe reports it (format=duration). */
export function probeDuration(file: string): number {
  const r = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  return Number(r.stdout.trim());
}

/** `codec,width,height` of the first video stream. */
export function probeStream(file: string): string {
  const r = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file]);
  return r.stdout.trim().split("\n")[0] ?? "";
}

/**
 * Checks an Annex-B stream: the first VCL NAL unit is an IDR and every IDR has an SPS and a
 * PPS since the previous VCL NAL unit.
 * @returns how many IDRs, and the index of the first IDR without SPS/PPS (-1 when none)
 */
export function annexBKeyframes(bytes: Uint8Array): { idrs: number; firstVcl: number; missingAt: number } {
  let sps = false;
  let pps = false;
  let idrs = 0;
  let firstVcl = -1;
  let missingAt = -1;
  for (const n of splitAnnexB(bytes)) {
    const t = n[0]! & 0x1f;
    if (t === 7) sps = true;
    else if (t === 8) pps = true;
    else if (t >= 1 && t <= 5) {
      if (firstVcl < 0) firstVcl = t;
      if (t === 5) {
        if ((!sps || !pps) && missingAt < 0) missingAt = idrs;
        idrs++;
      }
      sps = pps = false;
    }
  }
  return { idrs, firstVcl, missingAt };
}
