/**
 * Two more RTSP server implementations from Debian, independent of gst-rtsp-server, each fed
 * by an ffmpeg that loops a clip without re-encoding (`-re -stream_loop -1 -c copy`):
 *
 *  - rtsp-server-perl (RTSP::Server, package rtsp-server-perl): a relay; ffmpeg publishes with
 *    ANNOUNCE/RECORD to its source port, clients pull from its client port.
 *  - VLC (packages vlc-bin, vlc-plugin-base): `#rtp{sdp=rtsp://...}` stream output, fed MPEG-TS
 *    through a FIFO (a looped file would end the RTP session at each loop with an RTCP BYE).
 *
 * Both serve RTP over UDP only: a SETUP asking for TCP interleaved is refused (perl: 400,
 * VLC: 461 Unsupported transport), so clients need `-rtsp_transport udp`. Neither has auth.
 * ffmpeg's own RTSP muxer cannot serve pulls (`-rtsp_flags listen` exists for its demuxer
 * only), which is why ffmpeg is a publisher here.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBackground, type Background } from "../background.ts";
import { freePort } from "../ports.ts";
import { waitForRtspVideo } from "./rtsp-describe.ts";

/** A running server with its port and pull URL (`rtsp://127.0.0.1:PORT/PATH`). */
export interface RelayServer extends Background {
  readonly port: number;
  readonly url: string;
}

/** Options of a relay server. */
export interface RelayOptions {
  /** MP4 to loop (H.264 or H.265, no B-frames). */
  clip: string;
  /** Mount path. @defaultValue "stream1" */
  path?: string;
}

/** The user VLC runs as: it refuses to run as root. */
const NOBODY = ["--reuid", "65534", "--regid", "65534", "--clear-groups"];

/** ffmpeg reading `clip` in real time forever, copying the video to `format` at `target`. */
function feeder(clip: string, format: string[], target: string): string[] {
  return [
    "setpriv",
    "--pdeathsig",
    "KILL",
    "--",
    "ffmpeg",
    "-nostdin",
    "-hide_banner",
    "-loglevel",
    "error",
    "-re",
    "-stream_loop",
    "-1",
    "-i",
    clip,
    "-map",
    "0:v:0",
    "-c",
    "copy",
    ...format,
    target,
  ];
}

/** `main` whose stop() and kill() also end `others` (after main). */
function withCompanions(main: Background, others: Pick<Background, "stop" | "kill">[]): Background {
  const stop = main.stop.bind(main);
  const kill = main.kill.bind(main);
  return Object.assign(main, {
    async stop(graceMs?: number) {
      await stop(graceMs);
      await Promise.all(others.map((o) => o.stop(graceMs)));
    },
    async kill() {
      await kill();
      await Promise.all(others.map((o) => o.kill()));
    },
  });
}

/** Stops `parts` when `ready` fails, then rethrows. */
async function readyOrStop(ready: Promise<void>, parts: Background[]): Promise<void> {
  try {
    await ready;
  } catch (e) {
    await Promise.all(parts.map((p) => p.stop()));
    throw new Error(`${(e as Error).message}\n${parts.map((p) => p.output().slice(-1000)).join("\n")}`);
  }
}

/**
 * Starts rtsp-server-perl on free ports and an ffmpeg publishing `clip` to it over RTSP
 * (UDP); resolves once a DESCRIBE of the path answers 200 with video.
 * @param maxClients its `--max_clients` (beyond: SETUP answered 453) @defaultValue 100
 */
export async function startPerlRtspRelay(o: RelayOptions & { maxClients?: number }): Promise<RelayServer> {
  const port = freePort();
  const sourcePort = freePort();
  const path = o.path ?? "stream1";
  const rtpStart = 20_000 + 2 * Math.floor(Math.random() * 15_000); // its RTP/RTCP ports count up from here
  const server = startBackground([
    "setpriv",
    "--pdeathsig",
    "KILL",
    "--",
    "rtsp-server-perl",
    "--clientport",
    String(port),
    "--serverport",
    String(sourcePort),
    "--client_listen_address",
    "127.0.0.1",
    "--source_listen_address",
    "127.0.0.1",
    "--rtp_start_port",
    String(rtpStart),
    "--max_clients",
    String(o.maxClients ?? 100),
    "--loglevel",
    "3",
  ]);
  await readyOrStop(
    waitForTcp(sourcePort, 10_000, () => server.proc.exitCode === null),
    [server],
  );
  const publisher = startBackground(feeder(o.clip, ["-f", "rtsp", "-rtsp_transport", "udp"], `rtsp://127.0.0.1:${sourcePort}/${path}`));
  const url = `rtsp://127.0.0.1:${port}/${path}`;
  await readyOrStop(
    waitForRtspVideo(url, 20_000, () => server.proc.exitCode === null && publisher.proc.exitCode === null),
    [server, publisher],
  );
  return Object.assign(withCompanions(server, [publisher]), { port, url });
}

/**
 * Starts VLC serving `clip` at `rtsp://127.0.0.1:PORT/PATH` (as user nobody), fed by ffmpeg
 * through a FIFO in a temporary directory; resolves once a DESCRIBE answers 200 with video.
 */
export async function startVlcRtspServer(o: RelayOptions): Promise<RelayServer> {
  const port = freePort();
  const path = o.path ?? "stream1";
  const dir = mkdtempSync(join(tmpdir(), "camserver-vlc-"));
  chmodSync(dir, 0o755);
  const fifo = join(dir, "feed.ts");
  const made = Bun.spawnSync(["mkfifo", "-m", "0644", fifo]);
  if (made.exitCode !== 0) throw new Error(`mkfifo ${fifo}: ${made.stderr.toString()}`);
  const vlc = startBackground(
    [
      "setpriv",
      "--pdeathsig",
      "KILL",
      ...NOBODY,
      "--",
      "vlc",
      "-I",
      "dummy",
      "--ignore-config",
      "--no-stats",
      // A FIFO cannot be peeked: without the demuxer named, VLC's probe sometimes picks another
      // (seen: "mjpeg demux error: cannot peek") and exits.
      "--demux=ts",
      fifo,
      "--sout",
      `#rtp{sdp=rtsp://127.0.0.1:${port}/${path}}`,
    ],
    { HOME: dir },
  );
  const feed = startBackground(feeder(o.clip, ["-f", "mpegts", "-y"], fifo));
  const cleanup = { stop: async () => rmSync(dir, { recursive: true, force: true }), kill: async () => rmSync(dir, { recursive: true, force: true }) };
  const url = `rtsp://127.0.0.1:${port}/${path}`;
  await readyOrStop(
    waitForRtspVideo(url, 20_000, () => vlc.proc.exitCode === null && feed.proc.exitCode === null),
    [vlc, feed],
  ).catch(async (e) => {
    await cleanup.stop();
    throw e;
  });
  return Object.assign(withCompanions(vlc, [feed, cleanup]), { port, url });
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection. */
async function waitForTcp(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`127.0.0.1:${port}: server exited`);
    const ok = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
      (s) => (s.end(), true),
      () => false,
    );
    if (ok) return;
    await Bun.sleep(50);
  }
  throw new Error(`127.0.0.1:${port}: not listening within ${timeoutMs} ms`);
}
