/**
 * WHEP offers cannot be made expensive: only one video (and one audio) section, recvonly
 * or sendrecv, with a fingerprint and ICE credentials, is answered; anything else is 400
 * before a socket opens and takes no viewer slot. max_viewers holds under concurrent
 * offers, the holder keeps its fence while answering, and no SDP stays in Redis jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import Redis from "ioredis";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { werriftOffer, withDirection, withoutLines, withVideoSections } from "../support/offers.ts";
import { udpSockets } from "../support/raw-http.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { connectWhep, type WhepViewer } from "../support/whep-client.ts";

const prefix = testPrefix("whephard");
let cam: TestbedServer;
let server: CamserverProcess;
let redis: Redis;
let offer = "";
const viewers: WhepViewer[] = [];

beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: tempDir("whephard") });
  redis = new Redis(TEST_REDIS_URL);
  expect((await server.call("POST", "/v1/cameras", { id: "door", name: "Door", source_url: cam.url, max_viewers: 3 })).status).toBe(201);
  offer = await werriftOffer();
});
afterAll(async () => {
  for (const v of viewers) await v.close();
  redis?.disconnect();
  await server?.stop();
  await stopAll();
});

const post = (sdp: string) => server.call("POST", "/v1/cameras/door/whep", sdp, { "content-type": "application/sdp" });
const seedPost = (sdp: string) => server.call("POST", "/api/webrtc/offer?camera_id=door", { type: "offer", sdp });
const webrtcConsumers = async () => (await server.call("GET", "/v1/cameras/door")).json.consumers.webrtc ?? 0;

describe("WHEP offers", () => {
  it("refuses offers the server would have to work hard for with 400, before any socket opens", async () => {
    const sockets = udpSockets(server.pid);
    const cases: [string, string][] = [
      [withVideoSections(offer, 30), "video"],
      // Unbundled, each section would get its own ICE transport (old code: 60 UDP sockets, 1.6 s).
      [withVideoSections(offer, 30).replace(/a=group:BUNDLE[^\r]*\r\n/, ""), "video"],
      [withVideoSections(offer, 2), "video"],
      [withDirection(offer, "sendonly"), "sendonly"],
      [withDirection(offer, "inactive"), "inactive"],
      [withoutLines(offer, /^a=fingerprint/), "fingerprint"],
      [withoutLines(offer, /^a=ice-pwd/), "ice-pwd"],
      [withoutLines(offer, /^a=ice-ufrag/), "ice-ufrag"],
      [`${offer}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:9\r\n`, "m=application"],
    ];
    const t0 = performance.now();
    for (const [sdp, reason] of cases) {
      for (const r of [await post(sdp), await seedPost(sdp)]) {
        expect(r.status).toBe(400);
        expect(r.json.error).toContain(reason);
      }
    }
    const ms = performance.now() - t0;
    console.log(`${cases.length * 2} refused offers in ${ms.toFixed(0)} ms; UDP sockets ${sockets} -> ${udpSockets(server.pid)}`);
    expect(udpSockets(server.pid)).toBe(sockets);
    expect(await webrtcConsumers()).toBe(0);
  }, 60_000);

  it("answers a browser-like offer with one video and one audio section", async () => {
    const r = await post(await werriftOffer({ audio: true }));
    expect(r.status).toBe(201);
    expect(r.text).toContain("m=video");
    const id = r.headers.get("location")!;
    expect((await server.call("DELETE", id)).status).toBe(200);
    expect(await eventually(async () => (await webrtcConsumers()) === 0, 5000)).toBe(true);
  }, 30_000);

  it("never has more viewers than max_viewers: 16 offers, 8 at a time, max 3", async () => {
    const statuses: number[] = [];
    // The holder refreshes its fence (5 s) every 250 ms: a stalled loop would show here.
    let minFenceMs = Infinity;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const ttl = await redis.pttl(`${prefix}:fence:door`);
        if (ttl > 0) minFenceMs = Math.min(minFenceMs, ttl);
        await Bun.sleep(20);
      }
    })();
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(Array.from({ length: 8 }, () => connectWhep(server.base, "door", TEST_TOKEN).catch((e: { status?: number }) => e)));
      for (const r of results) {
        if ("pc" in r) {
          viewers.push(r);
          statuses.push(201);
        } else statuses.push(r.status ?? 0);
      }
    }
    watching = false;
    await watch;
    const admitted = statuses.filter((s) => s === 201).length;
    console.log(
      `16 concurrent offers, max_viewers 3: ${admitted} admitted, statuses ${statuses.join(" ")}; UDP sockets ${udpSockets(server.pid)}; fence TTL never below ${minFenceMs} ms`,
    );
    expect(minFenceMs).toBeGreaterThan(3000);
    expect(admitted).toBe(3);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 503)).toBe(true);
    // Consumers are the holder's count of leases, written every 250 ms.
    expect(await eventually(async () => (await webrtcConsumers()) === 3, 3000)).toBe(true);
    expect(udpSockets(server.pid)).toBeLessThanOrEqual(3 * 4 + 4);
  }, 60_000);

  it("keeps the holder's fence while offers are answered and refused", async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, () => post(withVideoSections(offer, 30))));
    expect(burst.every((r) => r.status === 400)).toBe(true);
    expect(server.output()).not.toContain("fence lost");
    expect(await eventually(async () => (await webrtcConsumers()) === 3, 3000)).toBe(true);
  }, 30_000);

  it("keeps no offer or answer in Redis job data", async () => {
    const keys = await redis.keys(`${prefix}:webrtc-offer:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      if ((await redis.type(key)) !== "hash") continue;
      const fields = await redis.hgetall(key);
      const text = Object.values(fields).join("\n");
      expect({ key, sdp: text.includes("v=0") || text.includes("a=fingerprint") }).toEqual({ key, sdp: false });
    }
  });
});
