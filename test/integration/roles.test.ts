/**
 * Tokens with roles: `bun run token` creates, lists and revokes them in the database; a
 * viewer may watch and list, an admin may change cameras; 401 without a valid token, 403
 * for the wrong role. Bull Board is read-only for viewers and refuses writes another site
 * could send (cross-origin, or not JSON), though Basic credentials reach it from anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { ROOT, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";

const dataDir = tempDir("roles");
let server: CamserverProcess;
let viewer = "";
let admin = "";
let viewerId = "";

/** Runs `bun run token ...` against the test's database. */
function tokenCli(...args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(["bun", `${ROOT}/infra/entry/token.ts`, ...args], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" }, cwd: ROOT });
  return { code: r.exitCode ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
}

beforeAll(async () => {
  const v = tokenCli("create", "--role", "viewer", "--name", "kiosk");
  const a = tokenCli("create", "--role", "admin", "--name", "ops");
  expect(v.code).toBe(0);
  expect(a.code).toBe(0);
  viewer = v.out.trim().split("\n").at(-1)!;
  admin = a.out.trim().split("\n").at(-1)!;
  viewerId = /created token (\d+)/.exec(v.out)![1]!;
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("roles"), DATA_DIR: dataDir });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

const as = (token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const basic = (token: string) => ({ authorization: `Basic ${btoa(`operator:${token}`)}` });
const camera = { id: "yard", name: "Yard", source_url: "rtsp://127.0.0.1:9/x" };

describe("token CLI", () => {
  it("creates 256-bit tokens, lists them without the token, refuses an unknown role", () => {
    expect(viewer).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
    const list = tokenCli("list");
    expect(list.out).toContain("kiosk");
    expect(list.out).toContain("viewer");
    expect(list.out).not.toContain(viewer);
    const bad = tokenCli("create", "--role", "root", "--name", "x");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("role");
  });
});

describe("roles", () => {
  it("answers 401 without a token or with an unknown one, before reading the body", async () => {
    for (const [method, path] of [
      ["GET", "/v1/cameras"],
      ["POST", "/v1/cameras"],
      ["POST", "/v1/streams/start"],
      ["POST", "/api/webrtc/offer"],
      ["GET", "/v1/nothing-here"],
    ] as const) {
      const r = await as(undefined, method, path, method === "POST" ? {} : undefined);
      expect(r.status).toBe(401);
      expect((await r.json()).error).toContain("token");
      expect((await as("cst_not-a-token", method, path)).status).toBe(401);
    }
    expect((await fetch(`${server.base}/admin/queues`)).headers.get("www-authenticate")).toContain("Basic");
  });

  it("lets a viewer list, watch and snapshot, and answers 403 to a viewer's camera changes", async () => {
    expect((await as(TEST_TOKEN, "POST", "/v1/cameras", camera)).status).toBe(201);
    expect((await as(viewer, "GET", "/v1/cameras")).status).toBe(200);
    expect((await as(viewer, "GET", "/v1/cameras/yard")).status).toBe(200);
    expect((await as(viewer, "GET", "/v1/streams")).status).toBe(200);
    expect((await as(viewer, "POST", "/v1/streams/stop", { session_id: "hls_nope" })).status).toBe(404);
    expect((await as(viewer, "GET", "/v1/cameras/nope/snapshot/latest")).status).toBe(404);
    expect((await as(viewer, "POST", "/v1/cameras/nope/whep", "v=0", { "content-type": "application/sdp" })).status).toBe(404);
    for (const [method, path, body] of [
      ["POST", "/v1/cameras", { ...camera, id: "other" }],
      ["PATCH", "/v1/cameras/yard", { name: "x" }],
      ["DELETE", "/v1/cameras/yard", undefined],
    ] as const) {
      const r = await as(viewer, method, path, body);
      expect(r.status).toBe(403);
      expect((await r.json()).error).toContain("admin");
    }
    expect((await as(viewer, "GET", "/v1/cameras/yard")).status).toBe(200);
  });

  it("lets an admin token from the database change cameras, like API_TOKEN", async () => {
    expect((await as(admin, "PATCH", "/v1/cameras/yard", { name: "Back yard" })).status).toBe(200);
    expect((await as(admin, "DELETE", "/v1/cameras/yard")).status).toBe(204);
  });

  it("stops accepting a revoked token at once", async () => {
    expect(tokenCli("revoke", viewerId).code).toBe(0);
    expect((await as(viewer, "GET", "/v1/cameras")).status).toBe(401);
    expect(tokenCli("list").out).toMatch(/viewer\trevoked/);
  });
});

describe("Bull Board", () => {
  it("is read-only for a viewer", async () => {
    const v2 = tokenCli("create", "--role", "viewer", "--name", "wall").out.trim().split("\n").at(-1)!;
    const r = await fetch(`${server.base}/admin/queues/api/queues`, { headers: basic(v2) });
    expect(r.status).toBe(200);
    const { queues } = (await r.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.length).toBeGreaterThan(0);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    expect((await fetch(`${server.base}/admin/queues/api/queues/stream-start/pause`, { method: "PUT", headers: basic(v2) })).status).toBe(403);
  });

  it("refuses an admin's cross-site or non-JSON write, and takes its own page's writes", async () => {
    const add = (headers: Record<string, string>) =>
      fetch(`${server.base}/admin/queues/api/queues/snapshot/add`, {
        method: "POST",
        headers: { ...basic(TEST_TOKEN), ...headers },
        body: JSON.stringify({ name: "csrf", data: { cameraId: "csrf" } }),
      });
    const counts = async () =>
      (await (await fetch(`${server.base}/admin/queues/api/queues`, { headers: basic(TEST_TOKEN) })).json()) as {
        queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean }[];
      };
    const total = async () => Object.values((await counts()).queues.find((q) => q.name === "snapshot")!.counts).reduce((a, b) => a + b, 0);
    const before = await total();
    const crossSite = await add({ "content-type": "text/plain", origin: "http://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect((await add({ "content-type": "application/json", origin: "http://evil.example" })).status).toBe(403);
    expect((await add({ "content-type": "text/plain" })).status).toBe(415);
    expect((await add({ "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" })).status).toBe(415);
    expect(await total()).toBe(before);
    expect((await counts()).queues.every((q) => !q.readOnlyMode)).toBe(true);
    const host = new URL(server.base).host;
    const pause = await fetch(`${server.base}/admin/queues/api/queues/stream-start/pause`, {
      method: "PUT",
      headers: { ...basic(TEST_TOKEN), origin: `http://${host}`, "sec-fetch-site": "same-origin" },
    });
    expect(pause.status).toBe(200);
    expect((await fetch(`${server.base}/admin/queues/api/queues/stream-start/resume`, { method: "PUT", headers: basic(TEST_TOKEN) })).status).toBe(200);
  });
});
