/**
 * Smaller hardening: session ids with 128 random bits, the API token printed only when it
 * was generated, security headers on the page, camera failures logged at warn with their
 * class, and a deleted camera's BullMQ keys and metric series removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import Redis from "ioredis";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { freePort } from "../support/ports.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";
import { connectWhep } from "../support/whep-client.ts";

const prefix = testPrefix("hardening");
let cam: TestbedServer;
let server: CamserverProcess;
let redis: Redis;

beforeAll(async () => {
  cam = await startRtspCamera();
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: tempDir("hardening") });
  redis = new Redis(TEST_REDIS_URL);
  expect((await server.call("POST", "/v1/cameras", { id: "porch", name: "Porch", source_url: cam.url })).status).toBe(201);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  await stopAll();
});

/** Random bytes in an id `<prefix>_<base64url>`. */
const randomBits = (id: string) => Buffer.from(id.slice(id.indexOf("_") + 1), "base64url").length * 8;

describe("hardening", () => {
  it("gives HLS sessions and WHEP sessions ids of at least 128 random bits", async () => {
    const s = await server.call("POST", "/v1/streams/start", { camera_id: "porch" });
    expect(s.status).toBe(200);
    expect(randomBits(s.json.session_id)).toBeGreaterThanOrEqual(128);
    const v = await connectWhep(server.base, "porch", TEST_TOKEN);
    expect(randomBits(v.location.split("/").at(-1)!)).toBeGreaterThanOrEqual(128);
    await server.call("DELETE", v.location);
    await v.close();
    await server.call("POST", "/v1/streams/stop", { session_id: s.json.session_id });
  }, 30_000);

  it("serves the page with a CSP, nosniff, frame-ancestors 'none' and a Referrer-Policy", async () => {
    for (const path of ["/", "/assets/app.js"]) {
      const r = await fetch(`${server.base}${path}`);
      expect(r.status).toBe(200);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("logs a refusing camera's 502 at warn with its error class, not as an unknown error", async () => {
    await server.call("POST", "/v1/cameras", { id: "refusing", name: "Refusing", source_url: `rtsp://127.0.0.1:${freePort()}/x` });
    expect((await server.call("POST", "/v1/streams/start", { camera_id: "refusing" })).status).toBe(502);
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.includes('"request failed"'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      const entry = JSON.parse(l) as { level: number; err: string };
      expect(entry.level).toBe(40);
      expect(entry.err).toBe("CameraUnreachableError");
    }
  }, 30_000);

  it("removes a deleted camera's BullMQ keys and metric series once its pipeline ended", async () => {
    const metrics = async () => (await fetch(`${server.base}/metrics`)).text();
    expect(await metrics()).toContain('camera="porch"');
    expect((await redis.keys(`${prefix}:camera-porch:*`)).length).toBeGreaterThan(0);
    expect((await server.call("DELETE", "/v1/cameras/porch")).status).toBe(204);
    expect(await eventually(async () => (await redis.keys(`${prefix}:camera-porch:*`)).length === 0, 15_000)).toBe(true);
    expect(await eventually(async () => !(await metrics()).includes('camera="porch"'), 5000)).toBe(true);
    expect(server.output()).not.toContain("unhandled rejection");
  }, 30_000);
});

describe("API token on the console", () => {
  it("prints a generated token once, and never a configured one", async () => {
    const dir = tempDir("token-print");
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("tokenprint"), DATA_DIR: dir, API_TOKEN: "" };
    // The address is printed after "worker ready", which is all startCamserver waits for.
    const first = await startCamserver("start", env);
    await first.waitFor(/camserver: open http/);
    await first.stop();
    const token = readFileSync(`${dir}/api-token`, "utf8").trim();
    expect(first.output()).toContain(token);
    const second = await startCamserver("start", env);
    await second.waitFor(/camserver: open http/);
    await second.stop();
    expect(second.output()).toContain("camserver: open http://localhost:");
    expect(second.output()).not.toContain(token);
    expect(server.output()).not.toContain(TEST_TOKEN);
  }, 60_000);
});
