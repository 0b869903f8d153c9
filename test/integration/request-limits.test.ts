/**
 * Request bodies are bounded and read only after the token was checked: unauthenticated
 * 100 MB bodies (announced or chunked) cost the server no memory, and every route answers
 * an oversized JSON body (64 KiB) or SDP offer (32 KiB) with 413 and a JSON message.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { rawPost, rssMb } from "../support/raw-http.ts";

let server: CamserverProcess;
beforeAll(async () => {
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("limits"), DATA_DIR: tempDir("limits") });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

const MB = 1024 * 1024;
const auth = { authorization: `Bearer ${TEST_TOKEN}` };
const json = { "content-type": "application/json" };
const sdp = { "content-type": "application/sdp" };
/** A JSON object of about `bytes` bytes. */
const bigJson = (bytes: number) => JSON.stringify({ name: "x".repeat(bytes), source_url: "rtsp://h/x" });

function expectJson413(r: { status: number; body: string }) {
  expect(r.status).toBe(413);
  expect(JSON.parse(r.body).error).toContain("too large");
}

describe("request bodies", () => {
  it("reads no body before the token: four unauthenticated 100 MB POSTs leave the memory as it was", async () => {
    const before = rssMb(server.pid);
    const answers = await Promise.all([
      rawPost(server.port, "/v1/cameras", json, 100 * MB),
      rawPost(server.port, "/api/webrtc/offer?camera_id=x", json, 100 * MB),
      rawPost(server.port, "/v1/cameras/x/whep", sdp, 100 * MB, { chunked: true }),
      rawPost(server.port, "/v1/streams/start", json, 100 * MB, { chunked: true }),
    ]);
    const after = rssMb(server.pid);
    console.log(
      `rss before ${before} MB, after four 100 MB unauthenticated POSTs ${after} MB; sent ${answers.map((a) => `${a.sentBytes >> 20} MB -> ${a.status}`).join(", ")}`,
    );
    for (const a of answers) expect([401, 413]).toContain(a.status);
    expect(after - before).toBeLessThan(40);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
  }, 60_000);

  it("answers an authenticated 100 MB body with 413 without keeping it", async () => {
    const before = rssMb(server.pid);
    const answers = await Promise.all([
      rawPost(server.port, "/v1/cameras", { ...auth, ...json }, 100 * MB),
      rawPost(server.port, "/v1/cameras", { ...auth, ...json }, 100 * MB, { chunked: true }),
    ]);
    for (const a of answers) expect(a.status).toBe(413);
    expect(rssMb(server.pid) - before).toBeLessThan(40);
  }, 60_000);

  it("answers a JSON body over 64 KiB with 413 and a JSON message, announced or chunked", async () => {
    const body = bigJson(200 * 1024);
    expectJson413(await server.call("POST", "/v1/cameras", body).then((r) => ({ status: r.status, body: r.text })));
    expectJson413(await rawPost(server.port, "/v1/streams/start", { ...auth, ...json }, 200 * 1024, { chunked: true }));
    expectJson413(await rawPost(server.port, "/v1/cameras", { ...auth, ...json }, 65 * 1024, { chunked: true }));
  });

  it("still reads a JSON body just under 64 KiB", async () => {
    const r = await server.call("POST", "/v1/cameras", bigJson(60 * 1024));
    expect(r.status).toBe(422);
    expect(r.json.field).toBe("name");
  });

  it("answers an SDP offer over 32 KiB with 413 on WHEP and on the seed's JSON signalling", async () => {
    const offer = `v=0\r\n${"a=x\r\n".repeat(8000)}`;
    const w = await server.call("POST", "/v1/cameras/x/whep", offer, { "content-type": "application/sdp" });
    expectJson413({ status: w.status, body: w.text });
    expectJson413(await rawPost(server.port, "/v1/cameras/x/whep", { ...auth, ...sdp }, 40 * 1024, { chunked: true }));
    const s = await server.call("POST", "/api/webrtc/offer?camera_id=x", { type: "offer", sdp: offer });
    expectJson413({ status: s.status, body: s.text });
    const huge = await server.call("POST", "/api/webrtc/offer?camera_id=x", { type: "offer", sdp: "v=0\r\n".repeat(40_000) });
    expectJson413({ status: huge.status, body: huge.text });
  });
});
