/**
 * `/openapi.json` of the composed API (infra/entry/compose-api.ts, real Redis, a SQLite
 * database in a temp dir) documents every route the Elysia app registers and every route of
 * the README's API table; `/docs` is public and carries its own Content Security Policy.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type Redis from "ioredis";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { composeApi, type ComposedApi } from "../../infra/entry/compose-api.ts";
import { openRedis } from "../../queues/connection.ts";
import { loadConfig } from "../../src/config.ts";
import { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import { eventRepositories } from "../../src/db/event-repositories.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { recordingRepositories } from "../../src/db/recording-repositories.ts";
import { createLogger } from "../../src/log.ts";
import { ROOT, tempDir, testPrefix, TEST_REDIS_URL } from "../support/camserver.ts";

const dir = tempDir("openapi");
let redis: Redis;
let database: Awaited<ReturnType<typeof openDatabase>>;
let api: ComposedApi;
let doc: { openapi: string; paths: Record<string, Record<string, unknown>> };

const get = (path: string) => api.app.handle(new Request(`http://localhost${path}`));

beforeAll(async () => {
  const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("openapi"), DATA_DIR: dir });
  redis = openRedis(TEST_REDIS_URL);
  database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  api = await composeApi(
    config,
    redis,
    new CamerasRepository(database.db),
    "openapi-token-0123456789",
    new ApiTokensRepository(database.db),
    createLogger("silent"),
    recordingRepositories(database.db),
    eventRepositories(database.db),
  );
  api.app.listen({ port: 0, hostname: "127.0.0.1" }); // close() stops a listening server
  const r = await get("/openapi.json");
  expect(r.status).toBe(200);
  doc = (await r.json()) as typeof doc;
});
afterAll(async () => {
  await api?.close();
  await database?.close();
  redis?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** OpenAPI operation keys of an Elysia route method: a WebSocket is its upgrade GET, ALL is every method. */
const operationOf = (method: string) => (method === "WS" || method === "ALL" ? "get" : method.toLowerCase());

/** Does a documented path template (`/v1/cameras/{id}`, `/admin/queues/*`) cover a concrete or `:param` path? */
function documented(method: string, path: string): boolean {
  const segments = path.split("/");
  return Object.entries(doc.paths).some(([template, ops]) => {
    if (!(operationOf(method) in ops)) return false;
    const t = template.split("/");
    if (t.at(-1) === "*") return segments.length >= t.length - 1 && t.slice(0, -1).every((s, i) => s === segments[i] || /^\{.+\}$/.test(s));
    return t.length === segments.length && t.every((s, i) => s === segments[i] || /^\{.+\}$/.test(s));
  });
}

/** `METHOD PATH` pairs in the README's `| route | answer |` table (`GET`/`PUT /x` gives both; a bare `/x` is GET). */
async function readmeRoutes(): Promise<[string, string][]> {
  const text = await Bun.file(resolve(ROOT, "README.md")).text();
  const table = text.split("\n| route | answer |")[1]!.split("\n\n")[0]!;
  const pairs: [string, string][] = [];
  for (const row of table.split("\n")) {
    const cell = row.split(/(?<!\\)\|/)[1] ?? "";
    for (const m of cell.matchAll(/(?:`([A-Z]+)`\/)?`(?:([A-Z]+) )?(\/[^`\s]*)`/g)) {
      const path = m[3]!
        .replace(/\[.*$/, "")
        .replace(/\?.*$/, "")
        .replace(/:([a-z_]+)/g, "{$1}");
      for (const method of [m[1], m[2] ?? (m[1] ? undefined : "GET")]) if (method) pairs.push([method, path]);
    }
  }
  return pairs;
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3 document", () => {
    expect(doc.openapi).toMatch(/^3\./);
  });

  it("documents every route the app registers", () => {
    const missing = api.app.routes.filter((r) => !documented(r.method, r.path.replace(/:([A-Za-z_]+)/g, "{$1}"))).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it("documents each operation with a summary and its answers", () => {
    const bare = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops as Record<string, { summary?: string; responses?: Record<string, unknown> }>)
        .filter(([, op]) => !op.summary || Object.keys(op.responses ?? {}).length === 0)
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    expect(bare).toEqual([]);
  });

  it("documents no path the app does not serve", () => {
    const served = api.app.routes.map((r) => r.path.replace(/:([A-Za-z_]+)/g, "{$1}"));
    expect(Object.keys(doc.paths).filter((p) => !served.includes(p))).toEqual([]);
  });

  it("documents every route of the README's API table", async () => {
    const routes = await readmeRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter(([m, p]) => !documented(m, p)).map(([m, p]) => `${m} ${p}`);
    expect(missing).toEqual([]);
  });

  it("is answered without a token", async () => {
    expect((await get("/openapi.json")).status).toBe(200);
    expect((await get("/v1/cameras")).status).toBe(401);
  });
});

describe("GET /docs", () => {
  it("is a public HTML page that loads only the pinned reference script, never framed", async () => {
    const r = await get("/docs");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toStartWith("text/html");
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).toMatch(/script-src https:\/\/cdn\.jsdelivr\.net(;|$)/);
    const html = await r.text();
    expect(html).toContain('data-url="/openapi.json"');
    expect(html).toMatch(/<script src="https:\/\/cdn\.jsdelivr\.net\/npm\/@scalar\/api-reference@\d+\.\d+\.\d+\/[^"]+" integrity="sha384-[A-Za-z0-9+\/=]+"/);
  });
});
