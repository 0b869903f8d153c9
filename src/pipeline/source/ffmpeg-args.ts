/**
 * ffmpeg command lines of the ffmpeg source, by the camera's URL scheme: `rtsp://`/`rtsps://`
 * over TCP (credentials in a 0600 ffconcat list, never on the command line), an absolute
 * file path looped in real time (demo cameras). Both write FLV (H.264 with timestamps) to
 * stdout; the source demuxes it into access units.
 */
import type { NetworkTimeouts } from "../network-class.ts";

/** What a source command needs to know about its camera. */
export interface SourceSpec {
  /** Source URL with credentials already inserted (never logged). */
  readonly inputUrl: string;
  readonly timeouts: NetworkTimeouts;
  /** Re-encode to H.264 (the camera sends H.265 or another codec). */
  readonly transcode: boolean;
  /**
   * "fast": trust the SDP's parameter sets and start at the first keyframe (saves ffmpeg's
   * ~1 s of probing); "full": ffmpeg's probing, for cameras whose SDP lacks them.
   */
  readonly probe: "fast" | "full";
  /**
   * An ffconcat list file (0600) that names the RTSP URL with its credentials: ffmpeg reads
   * the URL from it, so the password never stands on ffmpeg's command line, which any local
   * user can read in /proc. Made with {@link concatList}; absent for cameras without credentials.
   */
  readonly listFile?: string;
}

/** Output half shared by every source: video only, FLV on stdout, flushed per packet. */
function output(transcode: boolean): string[] {
  const video = transcode
    ? ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-bf", "0", "-pix_fmt", "yuv420p", "-force_key_frames", "expr:gte(t,n_forced*1)"]
    : ["-c:v", "copy"];
  return ["-map", "0:v:0", ...video, "-an", "-sn", "-dn", "-f", "flv", "-flush_packets", "1", "pipe:1"];
}

/** Whether a URL is served by the RTSP source. */
export function isRtspUrl(url: string): boolean {
  return url.startsWith("rtsp://") || url.startsWith("rtsps://");
}

/** The RTSP demuxer's input options of a source, as name/value pairs. */
function rtspInputOptions(spec: SourceSpec): [string, string][] {
  return [
    ["rtsp_transport", "tcp"],
    // ffmpeg 5.1: `-timeout` is the RTSP socket timeout in µs (`-stimeout` is gone).
    ["timeout", String(spec.timeouts.readMs * 1000)],
    // No `-fflags nobuffer`: with probing it drops the packets read meanwhile, often the first
    // keyframe, which delays the first HLS segment by a GOP (measured: 2.10 s vs 1.10 s).
    // A re-encode needs the decoder fully set up: always probe then.
    ...((spec.probe === "fast" && !spec.transcode
      ? [
          ["analyzeduration", "0"],
          ["probesize", "32"],
        ]
      : [["analyzeduration", "2000000"]]) as [string, string][]),
  ];
}

/**
 * The text of an ffconcat list (ffmpeg-formats, "concat": `ffconcat version 1.0`, `file`,
 * `option`) naming one RTSP URL, with credentials, and the source's RTSP input options.
 */
export function concatList(spec: SourceSpec): string {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const lines = ["ffconcat version 1.0", `file ${quote(spec.inputUrl)}`, ...rtspInputOptions(spec).map(([k, v]) => `option ${k} ${v}`)];
  return `${lines.join("\n")}\n`;
}

/**
 * The ffmpeg arguments (without the binary) of a source.
 * @throws Error for schemes with no source yet (`shm://`)
 */
export function sourceArgs(spec: SourceSpec): string[] {
  const head = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"];
  if (isRtspUrl(spec.inputUrl)) {
    if (spec.listFile) {
      // The concat demuxer opens the listed URL with the list's `option` lines (ffmpeg-formats, "concat").
      return [
        ...head,
        "-f",
        "concat",
        "-safe",
        "0",
        "-protocol_whitelist",
        "file,rtsp,rtsps,rtp,tcp,udp,tls,crypto",
        "-i",
        spec.listFile,
        ...output(spec.transcode),
      ];
    }
    return [...head, ...rtspInputOptions(spec).flatMap(([k, v]) => [`-${k}`, v]), "-i", spec.inputUrl, ...output(spec.transcode)];
  }
  if (spec.inputUrl.startsWith("/")) {
    return [...head, "-re", "-stream_loop", "-1", "-i", spec.inputUrl, ...output(spec.transcode)];
  }
  throw new Error(`no source for ${spec.inputUrl.split(":")[0]} URLs yet`);
}
