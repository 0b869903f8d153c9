/**
 * A camera that sends corrupt NAL units (the scripted RTSP camera with every 25th RTP
 * packet's NAL unit header and a payload byte flipped) does not take down its pipeline: the
 * holder keeps the camera live, the HLS session keeps advancing, the malformed packets are
 * counted in `camserver_rtp_malformed_packets_total` and nothing is unhandled
 * (`camserver_unhandled_errors_total` stays 0).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../../support/camserver.ts";
import { startScriptedCamera, type ScriptedCamera } from "../fixtures/scripted-rtsp-camera.ts";

let cam: ScriptedCamera;
let server: CamserverProcess;

/** The value of one sample of /metrics (0 when absent). */
async function metric(name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) if (line.startsWith(name) && line.includes(labels) && !line.startsWith("#")) sum += Number(line.split(" ").at(-1));
  return sum;
}

/** Newest media sequence number + segments listed, -1 when the playlist is not served. */
async function newestSegment(url: string): Promise<number> {
  const r = await fetch(`${server.base}${url}`);
  if (r.status !== 200) return -1;
  const text = await r.text();
  return Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1) + text.split("\n").filter((l) => l.startsWith("#EXTINF")).length - 1;
}

beforeAll(async () => {
  cam = startScriptedCamera({ corruptEvery: 25 });
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("corrupt-nal"), DATA_DIR: tempDir("corrupt-nal") });
  const r = await server.call("POST", "/v1/cameras", { id: "garbled", name: "garbled", source_url: cam.url });
  expect(r.status).toBe(201);
}, 30_000);
afterAll(async () => {
  await server?.stop();
  cam?.stop();
  await stopAll();
});

describe("a camera sending corrupt NAL units", () => {
  it("keeps its pipeline and HLS session going, counts the bad packets and leaves nothing unhandled", async () => {
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "garbled" });
    expect(s.status).toBe(200);
    expect(await eventually(async () => (await newestSegment(s.json.hls_url)) >= 0, 15_000)).toBe(true);
    const first = await newestSegment(s.json.hls_url);
    const sessionsBefore = await metric("camserver_source_sessions_total", 'camera="garbled"');
    await Bun.sleep(8000);
    const last = await newestSegment(s.json.hls_url);
    expect(last).toBeGreaterThanOrEqual(first + 2);
    const camera = await server.call("GET", "/v1/cameras/garbled");
    expect(camera.json.state).toBe("live");
    expect(await metric("camserver_source_sessions_total", 'camera="garbled"')).toBe(sessionsBefore); // never reconnected
    const malformed = await metric("camserver_rtp_malformed_packets_total", 'camera="garbled"');
    console.log(`segments ${first} -> ${last}, malformed RTP packets counted: ${malformed}`);
    expect(malformed).toBeGreaterThan(10);
    expect(await metric("camserver_unhandled_errors_total")).toBe(0);
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  }, 40_000);
});
