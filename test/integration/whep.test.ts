/**
 * WebRTC over WHEP with H.264 passthrough: the answer, the session resource, CORS,
 * errors, max_viewers, the seed's JSON signalling, a viewer killed without DELETE, and
 * frames arriving at the camera's rate. Receivers are werift peers (test/support/whep-client.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startBackground, stopAll } from "../support/background.ts";
import { eventually, ROOT, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { connectWhep, type WhepViewer } from "../support/whep-client.ts";

let cam: TestbedServer;
let server: CamserverProcess;
const viewers: WhepViewer[] = [];

beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("whep"), DATA_DIR: tempDir("whep") });
  expect((await server.call("POST", "/v1/cameras", { id: "gate", name: "Gate", source_url: cam.url, max_viewers: 2 })).status).toBe(201);
});
afterAll(async () => {
  for (const v of viewers) await v.close();
  await server?.stop();
  await stopAll();
});

const webrtcConsumers = async () => (await server.call("GET", "/v1/cameras/gate")).json.consumers.webrtc ?? 0;
const post = (body: string, type = "application/sdp", path = "/v1/cameras/gate/whep") =>
  fetch(`${server.base}${path}`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": type }, body });

describe("WHEP", () => {
  it("answers an offer with 201, a Location, packetization-mode 1 and every candidate, and H.264 frames flow at the camera's rate", async () => {
    const v = await connectWhep(server.base, "gate", TEST_TOKEN);
    viewers.push(v);
    expect(v.location).toMatch(/^\/v1\/cameras\/gate\/whep\/whep_/);
    const answer = v.pc.remoteDescription!.sdp;
    expect(answer).toMatch(/a=fmtp:\d+ .*packetization-mode=1/);
    expect(answer).toMatch(/a=candidate:.* typ host/);
    expect(answer).toContain("a=sendonly");
    expect(await eventually(() => v.frames.length > 0, 5000)).toBe(true);
    expect(v.frames[0]!.keyframe).toBe(true);
    // The cached GOP comes first, paced; count the camera's rate once it has caught up.
    await Bun.sleep(1000);
    const n0 = v.frames.length;
    await Bun.sleep(3000);
    const fps = (v.frames.length - n0) / 3;
    expect(fps).toBeGreaterThan(25);
    expect(fps).toBeLessThan(35);
    expect(v.lost).toBe(0);
    expect(await webrtcConsumers()).toBe(1);
  });

  it("answers CORS preflight with Accept-Post and refuses PATCH with 405", async () => {
    const o = await fetch(`${server.base}/v1/cameras/gate/whep`, { method: "OPTIONS" });
    expect(o.status).toBe(204);
    expect(o.headers.get("accept-post")).toBe("application/sdp");
    expect(o.headers.get("access-control-allow-methods")).toContain("POST");
    const p = await fetch(`${server.base}${viewers[0]!.location}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/trickle-ice-sdpfrag" },
      body: "a=end-of-candidates",
    });
    expect(p.status).toBe(405);
  });

  it("rejects a bad SDP with 400 and the reason, a wrong type with 415, no token with 401, an unknown camera with 404", async () => {
    const bad = await post("hello");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("SDP");
    const noVideo = await post("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
    expect(noVideo.status).toBe(400);
    expect((await post("v=0", "application/json")).status).toBe(415);
    expect((await fetch(`${server.base}/v1/cameras/gate/whep`, { method: "POST", headers: { "content-type": "application/sdp" }, body: "v=0" })).status).toBe(
      401,
    );
    expect((await post("v=0", "application/sdp", "/v1/cameras/nope/whep")).status).toBe(404);
  });

  it("answers 503 past max_viewers", async () => {
    viewers.push(await connectWhep(server.base, "gate", TEST_TOKEN));
    const third = await connectWhep(server.base, "gate", TEST_TOKEN).catch((e: { status?: number }) => e);
    expect((third as { status?: number }).status).toBe(503);
  });

  it("ends a session with DELETE on its Location", async () => {
    const v = viewers.pop()!;
    const d = await fetch(`${server.base}${v.location}`, { method: "DELETE", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(d.status).toBe(200);
    await v.close();
    expect(await eventually(async () => (await webrtcConsumers()) === 1, 3000)).toBe(true);
    const again = await fetch(`${server.base}${v.location}`, { method: "DELETE", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(again.status).toBe(404);
  });

  it("drops a viewer whose process was killed without a DELETE within 10 s, and keeps serving", async () => {
    const child = startBackground(["bun", `${ROOT}/test/integration/fixtures/whep-viewer.ts`, server.base, "gate", TEST_TOKEN]);
    await child.waitFor(/frames [1-9]\d*/, 15_000);
    expect(await webrtcConsumers()).toBe(2);
    await child.kill();
    const killedAt = Date.now();
    expect(await eventually(async () => (await webrtcConsumers()) === 1, 10_000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    const n0 = viewers[0]!.frames.length;
    await Bun.sleep(1000);
    expect(viewers[0]!.frames.length).toBeGreaterThan(n0 + 20);
  }, 30_000);

  it("keeps the seed's JSON signalling", async () => {
    const { RTCPeerConnection, useH264 } = await import("werift");
    const pc = new RTCPeerConnection({ iceServers: [], codecs: { video: [useH264()] } });
    pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    await Bun.sleep(200);
    const r = await server.call("POST", "/api/webrtc/offer?camera_id=gate", { type: "offer", sdp: pc.localDescription!.sdp });
    expect(r.status).toBe(200);
    expect(r.json.type).toBe("answer");
    expect(r.json.sdp).toContain("packetization-mode=1");
    await pc.close();
  });

  it("logged no unhandled error while viewers came and went", () => {
    expect(server.output()).not.toContain("unhandled rejection");
    expect(server.output()).not.toContain("uncaught exception");
  });

  it("answers 502 for a refusing camera", async () => {
    await server.call("POST", "/v1/cameras", { id: "dead", name: "Dead", source_url: `rtsp://127.0.0.1:${freePort()}/x` });
    const r = await connectWhep(server.base, "dead", TEST_TOKEN).catch((e: { status?: number }) => e);
    expect((r as { status?: number }).status).toBe(502);
  });
});
