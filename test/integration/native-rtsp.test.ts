/**
 * The native RTSP source (src/pipeline/source/rtsp-source.ts) against every RTSP server the
 * tests can start: GStreamer's gst-rtsp-server (rtsp-camera: RTP over TCP, Digest and Basic,
 * H.265, client limits), rtsp-server-perl and VLC (both refuse RTP over TCP, so the client
 * falls back to UDP), a fault proxy (hung, dropped, frozen connections), and a scripted camera
 * for the dialect features none of them shows (redirect, stale nonce, keep-alives, server-chosen
 * channels, answers without CSeq, a ping from the server, RTCP, TEARDOWN). ffmpeg's RTSP muxer
 * cannot serve pulls (test/support/servers/relays.ts), so ffmpeg is only a publisher here.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Socket } from "bun";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessUnit } from "../../src/media/access-unit.ts";
import { NETWORK_TIMEOUTS, type NetworkTimeouts } from "../../src/pipeline/network-class.ts";
import { RtspSource, type RtspSourceOptions } from "../../src/pipeline/source/rtsp-source.ts";
import type { CameraTimeoutError, CameraUnreachableError } from "../../src/errors.ts";
import type { NativeUnsupportedError, SessionEnd } from "../../src/pipeline/source/source.ts";
import { stopAll } from "../support/background.ts";
import { freePort } from "../support/ports.ts";
import { clipsDir, startBlackhole, startFlakyCamera, startPerlRtspRelay, startRtspCamera, startVlcRtspServer, type TestbedServer } from "../support/testbed.ts";
import { type ScriptedCamera, startScriptedCamera } from "./fixtures/scripted-rtsp-camera.ts";
import { nalType } from "../../src/media/nal.ts";

const LOCAL = NETWORK_TIMEOUTS.local;
const PASSWORD = "n4tive-pw!";
let clips: string;
let digestCam: TestbedServer;
let basicCam: TestbedServer;
const scripted: ScriptedCamera[] = [];

beforeAll(async () => {
  clips = clipsDir();
  [digestCam, basicCam] = await Promise.all([
    startRtspCamera({ user: "admin", pass: PASSWORD }),
    startRtspCamera({ user: "viewer", pass: PASSWORD, auth: "basic", path: "live/ch0" }),
  ]);
}, 600_000);
afterAll(async () => {
  for (const s of scripted) s.stop();
  await stopAll();
});

interface Result {
  readonly units: AccessUnit[];
  /** Parameter sets handed over before the first access unit, and in all. */
  readonly setsBeforeFirst: number;
  readonly sets: number;
  readonly firstMediaMs: number | undefined;
  readonly err: SessionEnd;
  readonly elapsedMs: number;
}

/** Runs one native session until `units` access units arrived (then stops it) or it ends by itself. */
async function session(
  url: string,
  o: { user?: string; pass?: string; units?: number; maxMs?: number; timeouts?: NetworkTimeouts; source?: RtspSourceOptions } = {},
): Promise<Result> {
  const ac = new AbortController();
  const units: AccessUnit[] = [];
  let sets = 0;
  let setsBeforeFirst = 0;
  let firstMediaMs: number | undefined;
  const t0 = performance.now();
  const guard = setTimeout(() => ac.abort(), o.maxMs ?? 20_000);
  const err = await new RtspSource(o.source).run({
    camera: {
      id: "cam",
      sourceUrl: url.replace(/\/\/[^@/]*@/, "//"),
      username: o.user ?? null,
      password: o.pass ?? null,
      network: "local",
      sourceEngine: "native",
    },
    timeouts: o.timeouts ?? LOCAL,
    redact: (t) => t,
    onAccessUnit: (au) => {
      units.push(au);
      if (units.length === o.units) ac.abort();
    },
    onParameterSets: () => {
      sets++;
      if (units.length === 0) setsBeforeFirst++;
    },
    onFirstMedia: () => (firstMediaMs = performance.now() - t0),
    signal: ac.signal,
  });
  clearTimeout(guard);
  return { units, setsBeforeFirst, sets, firstMediaMs, err, elapsedMs: performance.now() - t0 };
}

const nalTypes = (au: AccessUnit) => au.nalus.map(nalType);

function expectGoodStream(r: Result, n: number): void {
  expect(r.units.length).toBe(n);
  expect(r.units[0]!.isKeyframe).toBe(true);
  const first = nalTypes(r.units[0]!);
  expect(r.setsBeforeFirst > 0 || (first.includes(7) && first.includes(8))).toBe(true);
  for (let i = 1; i < r.units.length; i++) expect(r.units[i]!.dts).toBeGreaterThan(r.units[i - 1]!.dts);
  expect(r.err.name).toBe("SourceLostError"); // stopped by us
  expect(r.err.message).toContain("session stopped");
}

describe("gst-rtsp-server (rtsp-camera), RTP over TCP", () => {
  it("delivers access units with increasing 90 kHz dts, the first an IDR with SPS/PPS known, with Digest auth", async () => {
    const r = await session(digestCam.url, { user: "admin", pass: PASSWORD, units: 45 });
    expectGoodStream(r, 45);
    const steps = r.units.slice(1).map((u, i) => u.dts - r.units[i]!.dts);
    expect(steps.filter((s) => Math.abs(s - 3000) <= 2).length).toBeGreaterThan(40); // 30 fps (gst rounds ns to ticks: 2999..3001)
  }, 20_000);

  it("authenticates with Basic and a path with a slash", async () => {
    expectGoodStream(await session(basicCam.url, { user: "viewer", pass: PASSWORD, units: 10 }), 10);
  }, 20_000);

  it("answers a wrong password with CameraUnreachableError (502) naming the 401, without the password", async () => {
    for (const [user, pass] of [
      ["admin", "wrong-pass"],
      [undefined, undefined],
    ] as const) {
      const r = await session(digestCam.url, { user, pass });
      expect(r.err.name).toBe("CameraUnreachableError");
      expect((r.err as CameraUnreachableError).status).toBe(502);
      expect(r.err.message).toBe("camera cam refused: 401 Unauthorized (DESCRIBE)");
      expect(r.elapsedMs).toBeLessThan(2000);
    }
  }, 20_000);

  it("hands an H.265 camera to ffmpeg: NativeUnsupportedError with transcode", async () => {
    const hevc = await startRtspCamera({ clip: `${clips}/cam720-hevc.mp4` });
    const r = await session(hevc.url);
    expect(r.err.name).toBe("NativeUnsupportedError");
    expect((r.err as NativeUnsupportedError).transcode).toBe(true);
    expect(r.err.message).toContain("H.265");
    await hevc.stop();
  }, 30_000);

  it("answers 453 (client limit reached) and a connection closed at accept with 502", async () => {
    const limited = await startRtspCamera({ maxClients: 1 });
    const closing = await startRtspCamera({ maxClients: 1, overLimit: "close" });
    for (const [cam, text] of [
      [limited, "453 Not Enough Bandwidth"],
      [closing, "closed the connection"],
    ] as const) {
      const ac = new AbortController();
      const holder = new RtspSource().run({
        camera: { id: "holder", sourceUrl: cam.url, username: null, password: null, network: "local", sourceEngine: "native" },
        timeouts: LOCAL,
        redact: (t) => t,
        onAccessUnit: () => {},
        onParameterSets: () => {},
        signal: ac.signal,
      });
      await Bun.sleep(1500);
      const r = await session(cam.url);
      expect(r.err.name).toBe("CameraUnreachableError");
      expect(r.err.message).toContain(text);
      ac.abort();
      expect((await holder).message).toContain("session stopped");
    }
    await Promise.all([limited.stop(), closing.stop()]);
  }, 40_000);
});

describe("faults", () => {
  it("answers CameraTimeoutError (504) within connectMs + 1 s for a camera that accepts TCP and never answers", async () => {
    const hole = await startBlackhole();
    const r = await session(hole.url);
    expect(r.err.name).toBe("CameraTimeoutError");
    expect((r.err as CameraTimeoutError).status).toBe(504);
    expect(r.err.message).toContain("did not answer");
    expect(r.elapsedMs).toBeLessThan(LOCAL.connectMs + 1000);
    await hole.stop();
  }, 20_000);

  it("answers CameraTimeoutError when the camera answers RTSP but sends no video within connectMs", async () => {
    const silent = startScriptedCamera({ silent: true });
    scripted.push(silent);
    const r = await session(silent.url);
    expect(r.err.name).toBe("CameraTimeoutError");
    expect(r.err.message).toBe("camera cam did not answer within 5 s (no video)");
    expect(r.elapsedMs).toBeLessThan(LOCAL.connectMs + 1000);
  }, 20_000);

  it("refuses at once for a closed port and an unknown host (502)", async () => {
    for (const [url, text] of [
      [`rtsp://127.0.0.1:${freePort()}/x`, "connection refused"],
      ["rtsp://camera.invalid/x", "unknown host camera.invalid"],
    ]) {
      const r = await session(url!);
      expect(r.err.name).toBe("CameraUnreachableError");
      expect(r.err.message).toContain(text!);
      expect(r.elapsedMs).toBeLessThan(LOCAL.readMs);
    }
  }, 20_000);

  it("ends with SourceLostError when the camera drops or resets the connection mid-stream", async () => {
    for (const mode of ["drop", "reset"]) {
      const flaky = await startFlakyCamera(`127.0.0.1:${digestCam.port}`, ["--mode", mode, "--after", "2"]);
      const r = await session(`rtsp://127.0.0.1:${flaky.port}/stream1`, { user: "admin", pass: PASSWORD });
      expect(r.units.length).toBeGreaterThan(10);
      expect(r.err.name).toBe("SourceLostError");
      expect(r.err.message).toContain("stream ended");
      await flaky.stop();
    }
  }, 40_000);

  it("ends with SourceLostError (stall) stallMs after a frozen stream's last access unit", async () => {
    const flaky = await startFlakyCamera(`127.0.0.1:${digestCam.port}`, ["--mode", "stall", "--after", "2"]);
    const r = await session(`rtsp://127.0.0.1:${flaky.port}/stream1`, { user: "admin", pass: PASSWORD });
    expect(r.units.length).toBeGreaterThan(10);
    expect(r.err.name).toBe("SourceLostError");
    expect(r.err.message).toContain("stalled");
    expect(r.elapsedMs).toBeGreaterThan(2000 + LOCAL.stallMs);
    expect(r.elapsedMs).toBeLessThan(2000 + LOCAL.stallMs + 3000);
    await flaky.stop();
  }, 30_000);
});

/**
 * A TLS terminator in front of a camera (rtsps://, RFC 7826 §19.2 style): a self-signed
 * certificate made by openssl, Bun.listen with TLS, bytes piped to the camera's TCP port.
 */
function startTlsProxy(targetPort: number): { port: number; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "camserver-rtsps-"));
  const made = Bun.spawnSync(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
    ],
    { stderr: "pipe" },
  );
  if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
  const tls = { cert: readFileSync(`${dir}/cert.pem`, "utf8"), key: readFileSync(`${dir}/key.pem`, "utf8") };
  rmSync(dir, { recursive: true, force: true });
  type Pipe = { up?: Socket<undefined>; pending: Uint8Array[] };
  const server = Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port: 0,
    tls,
    data: { pending: [] },
    socket: {
      open(client) {
        client.data = { pending: [] };
        void Bun.connect({
          hostname: "127.0.0.1",
          port: targetPort,
          socket: { data: (_s, d) => void client.write(d), close: () => void client.end(), error: () => void client.end() },
        }).then(
          (up) => {
            client.data.up = up;
            for (const b of client.data.pending) up.write(b);
          },
          () => client.end(),
        );
      },
      data(client, d) {
        if (client.data.up) client.data.up.write(d);
        else client.data.pending.push(new Uint8Array(d));
      },
      close(client) {
        client.data.up?.end();
      },
    },
  });
  return { port: server.port, stop: () => server.stop(true) };
}

describe("rtsps:// (TLS)", () => {
  it("pulls a camera through TLS with a self-signed certificate", async () => {
    const proxy = startTlsProxy(digestCam.port);
    try {
      expectGoodStream(await session(`rtsps://127.0.0.1:${proxy.port}/stream1`, { user: "admin", pass: PASSWORD, units: 15 }), 15);
    } finally {
      proxy.stop();
    }
  }, 20_000);
});

describe("UDP-only servers (RTP over TCP refused)", () => {
  it("receives H.264 from rtsp-server-perl over UDP after its 400 to TCP", async () => {
    const relay = await startPerlRtspRelay({ clip: `${clips}/cam720.mp4` });
    expectGoodStream(await session(relay.url, { units: 30 }), 30);
    await relay.stop();
  }, 60_000);

  it("receives H.264 from VLC over UDP after its 461 to TCP", async () => {
    const vlc = await startVlcRtspServer({ clip: `${clips}/cam720.mp4` });
    expectGoodStream(await session(vlc.url, { units: 30 }), 30);
    await vlc.stop();
  }, 60_000);
});

describe("scripted camera (dialect features)", () => {
  it("follows a DESCRIBE redirect, answers a stale nonce once more, and puts no credentials in request URLs", async () => {
    const cam = startScriptedCamera({ redirect: true, auth: { user: "admin", pass: "p@ss:word", staleOnce: true } });
    scripted.push(cam);
    expectGoodStream(await session(cam.url, { user: "admin", pass: "p@ss:word", units: 12 }), 12);
    const lines = cam.requests.join("\n");
    expect(lines).toContain(`DESCRIBE rtsp://127.0.0.1:${cam.port}/old`);
    expect(lines).toContain(`DESCRIBE rtsp://127.0.0.1:${cam.port}/stream1 [auth]`);
    expect(cam.requests.filter((l) => l.startsWith("DESCRIBE")).length).toBe(4); // 302, 401, 401 stale, 200
    expect(lines).not.toContain("admin");
    expect(lines).not.toContain("p@ss");
  }, 20_000);

  it("sends keep-alives at half the Session timeout: GET_PARAMETER when Public lists it, else OPTIONS", async () => {
    for (const getParameter of [true, false]) {
      const cam = startScriptedCamera({ sessionTimeoutS: 2, getParameter });
      scripted.push(cam);
      await session(cam.url, { maxMs: 3500 });
      const method = getParameter ? "GET_PARAMETER" : "OPTIONS";
      const alive = cam.requests.filter((l) => l.startsWith(`${method} rtsp://127.0.0.1:${cam.port}/stream1/`));
      expect(alive.length).toBeGreaterThanOrEqual(2);
      expect(alive.every((l) => l.endsWith("[session]"))).toBe(getParameter); // OPTIONS goes without Session
    }
  }, 20_000);

  it("uses the channels the server chose, takes answers without CSeq and a ping from the server, and sends receiver reports", async () => {
    const cam = startScriptedCamera({ channels: [6, 7], omitCSeq: true, pingClient: true });
    scripted.push(cam);
    const r = await session(cam.url, { maxMs: 1500, source: { receiverReportMs: 200 } });
    expect(r.units.length).toBeGreaterThan(20);
    expect(r.units[0]!.isKeyframe).toBe(true);
    expect(cam.received.rtcp).toBeGreaterThanOrEqual(3);
    expect(cam.received.pingAnswers).toBe(1);
    expect(cam.requests).toContain(`SETUP rtsp://127.0.0.1:${cam.port}/stream1/trackID=2 [session]`); // audio too, on the next channels
  }, 20_000);

  it("sends TEARDOWN to the aggregate URL when the session is stopped", async () => {
    const cam = startScriptedCamera();
    scripted.push(cam);
    await session(cam.url, { units: 5 });
    expect(cam.requests.at(-1)).toBe(`TEARDOWN rtsp://127.0.0.1:${cam.port}/stream1/ [session]`);
  }, 20_000);
});
