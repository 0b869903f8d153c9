/**
 * The connection test of the console's camera form: one ffprobe of a camera source that
 * reports its video codec, resolution and frame rate, and for RTSP the status the camera
 * answered (RFC 2326 §7.1.1, e.g. `200 OK`, `401 Unauthorized`).
 *
 * Credentials never reach a command line: a camera with a user name is probed through an
 * ffconcat list (ffmpeg-formats, "concat") in a private 0700 directory, file 0600, removed
 * once ffprobe has ended; ffprobe's stderr is redacted before anything of it is kept. The
 * child runs through src/proc/spawn-child.ts (its own group, killed on timeout and with its
 * parent). RTSP waits at most the network class's connect time (`-timeout`, in µs:
 * ffmpeg 5.1).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { CameraNetwork } from "../cameras/camera.ts";
import { NETWORK_TIMEOUTS } from "../pipeline/network-class.ts";
import { redactSecrets, withCredentials } from "../cameras/source-url.ts";
import { ValidationError } from "../errors.ts";
import { spawnChild } from "../proc/spawn-child.ts";

/** What a test found. */
export interface CameraTestResult {
  /** A video stream was found. */
  ok: boolean;
  /** The camera's RTSP status line (`200 OK`, `401 Unauthorized`), or null (no RTSP answer, or not RTSP). */
  rtsp_status: string | null;
  /** ffprobe's codec name, e.g. `h264`, `hevc`. */
  codec: string | null;
  /** Codec profile, e.g. `Main`. */
  profile: string | null;
  width: number | null;
  height: number | null;
  /** Frames per second (average, else nominal), rounded to 0.01. */
  fps: number | null;
  /** Wall time of the test, ms. */
  elapsed_ms: number;
  /** Why it failed, redacted; null when `ok`. */
  error: string | null;
}

/** A source to test: the URL without credentials, and the credentials apart. */
export interface ProbeTarget {
  readonly sourceUrl: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly network: CameraNetwork;
}

/** Options of {@link probeCamera}. */
export interface ProbeOptions {
  /** ffprobe binary. @defaultValue "ffprobe" */
  readonly ffprobe?: string;
  /** Connect and read timeout of RTSP by network class, ms. @defaultValue local 5000, vpn 10000 */
  readonly connectMs?: Readonly<Record<CameraNetwork, number>>;
}

/** The same connect budget as a real session of the camera (src/pipeline/network-class.ts). */
const CONNECT_MS: Record<CameraNetwork, number> = { local: NETWORK_TIMEOUTS.local.connectMs, vpn: NETWORK_TIMEOUTS.vpn.connectMs };
const WHITELIST = "file,rtsp,rtsps,rtp,tcp,udp,tls,crypto";
/** Probing reads this much media after the connection, µs: enough for the frame rate of a 1 s GOP. */
const ANALYZE_US = "2000000";

/** `30/1` -> 30; `0/0` -> null. */
function rate(r: unknown): number | null {
  if (typeof r !== "string") return null;
  const [n, d] = r.split("/").map(Number);
  return n && d ? Math.round((n / d) * 100) / 100 : null;
}

/** The first stream of ffprobe's JSON output, or undefined (no stream, or not JSON). */
function firstStream(out: string): Record<string, unknown> | undefined {
  try {
    return (JSON.parse(out) as { streams?: Record<string, unknown>[] }).streams?.[0];
  } catch {
    return undefined;
  }
}

/** Reads ffprobe's failure from its (redacted) stderr. */
export function describeFailure(stderr: string): { rtspStatus: string | null; error: string } {
  const rtsp = /method (\w+) failed: (\d{3}) ?([^\r\n]*)/.exec(stderr);
  if (rtsp) return { rtspStatus: `${rtsp[2]} ${rtsp[3]}`.trim(), error: `${rtsp[1]} answered ${rtsp[2]} ${rtsp[3]}`.trim() };
  if (/Connection refused/i.test(stderr)) return { rtspStatus: null, error: "connection refused" };
  if (/timed out|Operation timed out/i.test(stderr)) return { rtspStatus: null, error: "no answer in time" };
  if (/No such file or directory/i.test(stderr)) return { rtspStatus: null, error: "no such file" };
  const last =
    stderr
      .trim()
      .split(/\r?\n/)
      .at(-1)
      ?.replace(/^\[[^\]]*\]\s*/, "") ?? "";
  return { rtspStatus: null, error: last.slice(0, 300) || "no video stream found" };
}

/**
 * Probes a camera source once.
 * @throws ValidationError (`source_url`) for `shm://` sources, whose ring lives on a worker host
 */
export async function probeCamera(t: ProbeTarget, opts: ProbeOptions = {}): Promise<CameraTestResult> {
  if (t.sourceUrl.startsWith("shm://")) throw new ValidationError("source_url", "shm cameras are tested on their worker host, not from the API");
  const started = performance.now();
  const isRtsp = /^rtsps?:\/\//i.test(t.sourceUrl);
  const connectMs = (opts.connectMs ?? CONNECT_MS)[t.network];
  // A file's path is redacted like a credential: answers never name a host path.
  const secrets = [t.username ?? "", t.password ?? "", t.sourceUrl.startsWith("/") ? t.sourceUrl : ""].filter((s) => s.length > 0);
  const head = [opts.ffprobe ?? "ffprobe", "-v", "error", "-hide_banner", "-analyzeduration", ANALYZE_US];
  const tail = ["-select_streams", "v:0", "-show_entries", "stream=codec_name,profile,width,height,avg_frame_rate,r_frame_rate", "-of", "json"];
  let dir: string | undefined;
  let input: string[];
  if (isRtsp && secrets.length > 0) {
    dir = await mkdtemp(`${tmpdir()}/camserver-probe-`);
    const list = `${dir}/input.ffconcat`;
    const url = withCredentials(t.sourceUrl, t.username, t.password).replaceAll("'", "'\\''");
    await writeFile(list, ["ffconcat version 1.0", `file '${url}'`, "option rtsp_transport tcp", `option timeout ${connectMs * 1000}`, ""].join("\n"), {
      mode: 0o600,
    });
    input = ["-f", "concat", "-safe", "0", "-protocol_whitelist", WHITELIST, "-i", list];
  } else if (isRtsp) {
    input = ["-rtsp_transport", "tcp", "-timeout", String(connectMs * 1000), "-i", t.sourceUrl];
  } else {
    input = ["-i", t.sourceUrl];
  }
  try {
    const child = spawnChild({
      cmd: [...head, ...input, ...tail],
      label: "camera test",
      stdout: "pipe",
      timeoutMs: connectMs * 2 + 5000,
      redact: (line) => redactSecrets(line, secrets),
    });
    const out = await new Response(child.stdout).text();
    const exit = await child.exited;
    const elapsed = Math.round(performance.now() - started);
    const stream = firstStream(out);
    if (exit.code === 0 && stream) {
      return {
        ok: true,
        rtsp_status: isRtsp ? "200 OK" : null,
        codec: typeof stream.codec_name === "string" ? stream.codec_name : null,
        profile: typeof stream.profile === "string" ? stream.profile : null,
        width: typeof stream.width === "number" ? stream.width : null,
        height: typeof stream.height === "number" ? stream.height : null,
        fps: rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate),
        elapsed_ms: elapsed,
        error: null,
      };
    }
    const failure =
      exit.reason === "timeout"
        ? { rtspStatus: null, error: `no answer within ${connectMs * 2 + 5000} ms` }
        : exit.code === 0
          ? { rtspStatus: isRtsp ? "200 OK" : null, error: "no video stream found" }
          : describeFailure(exit.stderrTail);
    return {
      ok: false,
      rtsp_status: failure.rtspStatus,
      codec: null,
      profile: null,
      width: null,
      height: null,
      fps: null,
      elapsed_ms: elapsed,
      error: redactSecrets(failure.error, secrets),
    };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
