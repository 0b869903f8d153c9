/**
 * The tests' own camera servers (test/support/servers), checked with ffprobe and ffmpeg:
 * rtsp-camera (gst-rtsp-server) serves H.264 and H.265 over RTP/TCP and UDP, loops a clip
 * with continuous timestamps, answers 401 without credentials (digest and basic) and
 * refuses a second client with --max-clients 1; the rtsp-server-perl relay and VLC serve
 * H.264 over UDP and refuse TCP; the fault proxy counts connections and passes, hangs,
 * drops, resets, stalls or refuses them as asked.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import net from "node:net";
import { stopAll } from "../support/background.ts";
import { tempDir } from "../support/camserver.ts";
import { probeRtsp } from "../support/ffprobe.ts";
import { rtspDescribe } from "../support/servers/rtsp-describe.ts";
import type { ConnStatsJson } from "../support/servers/conn-stats.ts";
import { clipsDir, SERVERS, startFaultProxy, startPerlRtspRelay, startRtspCamera, startVlcRtspServer, type TestbedServer } from "../support/testbed.ts";

let clips: string;
let cam: TestbedServer;
const dir = tempDir("servers");

beforeAll(async () => {
  clips = clipsDir();
  cam = await startRtspCamera();
}, 600_000);
afterAll(async () => {
  await stopAll();
});

/** ffmpeg reading `url` over TCP with stream copy (no decoding) until stopped or the stream ends. */
function reader(url: string, extra: string[] = []) {
  const started = performance.now();
  const proc = Bun.spawn(["ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", ...extra, "-i", url, "-map", "0:v", "-c", "copy", "-f", "null", "-"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = new Response(proc.stderr).text();
  const ended = proc.exited.then(async (code) => ({ code, seconds: (performance.now() - started) / 1000, stderr: await stderr }));
  return { proc, ended, stop: async () => (proc.kill("SIGKILL"), await proc.exited) };
}

const stats = async (file: string): Promise<ConnStatsJson> => JSON.parse(await Bun.file(file).text());
const hostPort = (url: string) => /127\.0\.0\.1:\d+/.exec(url)![0];

describe("rtsp-camera (gst-rtsp-server)", () => {
  it("serves H.264 over RTP/TCP interleaved and over UDP", async () => {
    expect((await probeRtsp(cam.url, "tcp")).video).toBe("h264,1280,720");
    expect((await probeRtsp(cam.url, "udp")).video).toBe("h264,1280,720");
  }, 30_000);

  it("serves the H.265 clip", async () => {
    const hevc = await startRtspCamera({ clip: `${clips}/cam720-hevc.mp4`, path: "live/ch0" });
    expect((await probeRtsp(hevc.url)).video).toBe("hevc,1280,720");
    await hevc.stop();
  }, 30_000);

  it("loops a clip made by make-clips with a PTS step of one frame across the loop", async () => {
    const made = Bun.spawnSync([`${SERVERS}/make-clips`, "cam720.mp4"], { env: { ...process.env, CAMSERVER_CLIPS: dir, CLIP_SECONDS: "2" } });
    expect(made.exitCode).toBe(0);
    const short = await startRtspCamera({ clip: `${dir}/cam720.mp4` });
    const ts = `${dir}/loop.ts`;
    const rec = Bun.spawnSync(
      ["ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", short.url, "-t", "5", "-map", "0:v", "-c", "copy", "-f", "mpegts", "-y", ts],
      { timeout: 20_000 },
    );
    expect(rec.exitCode).toBe(0);
    await short.stop();
    const packets = Bun.spawnSync(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", ts])
      .stdout.toString()
      .trim()
      .split("\n")
      .filter((l) => /^\d/.test(l))
      .map((l) => l.split(","));
    const steps = packets.slice(1).map((p, i) => Math.round((Number(p[0]) - Number(packets[i]![0])) * 1000));
    expect(packets.length).toBeGreaterThan(120); // > 4 s of 30 fps: two loops of the 2 s clip
    expect(steps.every((ms) => ms >= 33 && ms <= 34)).toBe(true);
    expect(packets.filter((p) => p[1]!.startsWith("K")).length).toBeGreaterThanOrEqual(4); // an IDR each second
  }, 90_000);

  for (const auth of ["digest", "basic"] as const) {
    it(`answers 401 without or with wrong credentials and serves with them (${auth})`, async () => {
      const locked = await startRtspCamera({ user: "admin", pass: "right", auth });
      const plain = locked.url.replace("admin:right@", "");
      const challenge = await rtspDescribe(plain);
      expect(challenge.status).toBe(401);
      expect(challenge.headers).toMatch(new RegExp(`^WWW-Authenticate: ${auth}`, "im"));
      expect((await probeRtsp(plain)).error).toContain("401");
      expect((await probeRtsp(locked.url.replace(":right@", ":wrong@"))).error).toContain("401");
      expect((await probeRtsp(locked.url)).video).toBe("h264,1280,720");
      await locked.stop();
    }, 30_000);
  }

  it("refuses a second client with 453 while one holds the stream (--max-clients 1), then admits again", async () => {
    const single = await startRtspCamera({ maxClients: 1 });
    const first = reader(single.url);
    await Bun.sleep(1500);
    const second = await probeRtsp(single.url);
    expect(second.video).toBe("");
    expect(second.error).toMatch(/4XX|453/);
    expect((await rtspDescribe(single.url)).status).toBe(453);
    await first.stop();
    await Bun.sleep(300);
    expect((await probeRtsp(single.url)).video).toBe("h264,1280,720");
    await single.stop();
  }, 30_000);

  it("closes a connection over the limit at accept with --over-limit close", async () => {
    const single = await startRtspCamera({ maxClients: 1, overLimit: "close" });
    const first = reader(single.url);
    await Bun.sleep(1500);
    await expect(rtspDescribe(single.url)).rejects.toThrow(/closed before an answer|EPIPE|ECONNRESET/);
    await first.stop();
    await single.stop();
  }, 30_000);
});

describe("other RTSP server implementations (UDP only)", () => {
  it("rtsp-server-perl relays ffmpeg's published H.264 over UDP and refuses TCP", async () => {
    const relay = await startPerlRtspRelay({ clip: `${clips}/cam720.mp4` });
    expect((await probeRtsp(relay.url, "udp")).video).toBe("h264,1280,720");
    expect((await probeRtsp(relay.url, "tcp")).error).toContain("400");
    await relay.stop();
  }, 60_000);

  it("VLC serves H.264 over UDP and refuses TCP with 461", async () => {
    const vlc = await startVlcRtspServer({ clip: `${clips}/cam720.mp4` });
    expect((await probeRtsp(vlc.url, "udp")).video).toBe("h264,1280,720");
    expect((await probeRtsp(vlc.url, "tcp")).error).toMatch(/Protocol not supported|461/);
    await vlc.stop();
  }, 60_000);
});

describe("fault-proxy", () => {
  it("passes a stream through and counts the connection", async () => {
    const json = `${dir}/pass.json`;
    const proxy = await startFaultProxy({ target: hostPort(cam.url), json });
    expect((await probeRtsp(`rtsp://${proxy.url}/stream1`)).video).toBe("h264,1280,720");
    await Bun.sleep(200);
    expect(await stats(json)).toMatchObject({ current: 0, max_concurrent: 1, total_connections: 1, refused: 0, faults: 0 });
  }, 30_000);

  it("hangs: accepts and never answers, so ffprobe gives up after its time-out", async () => {
    const json = `${dir}/hang.json`;
    const hole = await startFaultProxy({ mode: "hang", json });
    const t0 = performance.now();
    const r = await probeRtsp(`rtsp://${hole.url}/stream1`, "tcp", 1000);
    expect(r.exitCode).not.toBe(0);
    expect(performance.now() - t0).toBeGreaterThan(900);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect((await stats(json)).total_connections).toBe(1);
  }, 30_000);

  for (const [mode, event] of [
    ["drop", "end"],
    ["reset", "ECONNRESET"],
  ] as const) {
    it(`${mode}s each connection after --after seconds (${event}), only the first --faults N`, async () => {
      const json = `${dir}/${mode}.json`;
      const proxy = await startFaultProxy({ target: hostPort(cam.url), mode, afterS: 0.5, faults: 1, json });
      const t0 = performance.now();
      const seen = await new Promise<string>((resolve) => {
        const s = net.connect(proxy.port, "127.0.0.1");
        s.on("end", () => resolve("end"));
        s.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
        s.resume();
      });
      expect(seen).toBe(event);
      expect(performance.now() - t0).toBeGreaterThan(450);
      const later = reader(`rtsp://${proxy.url}/stream1`, ["-t", "2"]);
      const done = await later.ended;
      expect(done.code).toBe(0);
      expect(done.seconds).toBeGreaterThan(2);
      expect(await stats(json)).toMatchObject({ faults: 1, total_connections: 2 });
    }, 30_000);
  }

  it("stalls: the stream freezes with the socket open until the reader times out", async () => {
    const json = `${dir}/stall.json`;
    const proxy = await startFaultProxy({ target: hostPort(cam.url), mode: "stall", afterS: 2, json });
    const r = reader(`rtsp://${proxy.url}/stream1`, ["-timeout", "1000000"]);
    await Bun.sleep(3000);
    expect((await stats(json)).current).toBe(1); // frozen, not closed
    const done = await r.ended;
    expect(done.stderr).toContain("Connection timed out");
    expect(done.seconds).toBeGreaterThan(3);
    await Bun.sleep(200);
    expect(await stats(json)).toMatchObject({ current: 0, faults: 1 });
  }, 30_000);

  it("refuses connections beyond --limit and counts them apart from max_concurrent", async () => {
    const json = `${dir}/limit.json`;
    const proxy = await startFaultProxy({ target: hostPort(cam.url), limit: 1, json });
    const first = reader(`rtsp://${proxy.url}/stream1`);
    await Bun.sleep(1500);
    expect((await probeRtsp(`rtsp://${proxy.url}/stream1`)).video).toBe("");
    expect(await stats(json)).toMatchObject({ current: 1, max_concurrent: 1, total_connections: 2, refused: 1 });
    await first.stop();
  }, 30_000);
});
