/**
 * Unauthenticated system routes: `GET /health` (200 as soon as the process serves
 * requests), `GET /ready` (200 when Redis and the database answer, else 503 naming which;
 * for load balancers and orchestrators) and `GET /metrics` (Prometheus text format).
 *
 * While the process's Redis connection is not ready (a Sentinel failover, a Redis
 * restart), requests that need Redis (`/v1`, `/hls`, `/api`, Bull Board) are answered 503
 * at once instead of waiting in the connection's offline queue; they work again as soon
 * as the connection is back (docs/operations.md).
 */
import { Elysia } from "elysia";
import { NotFoundError } from "../../errors.ts";
import { registry } from "../../metrics.ts";
import type { ApiDeps } from "../deps.ts";

/** Longest a readiness check waits for its answer, ms. */
export const READY_CHECK_TIMEOUT_MS = 1000;

/** Paths whose routes use Redis: refused with 503 while it is unreachable. */
const NEEDS_REDIS = ["/v1/", "/hls/", "/api/", "/admin/queues"];

/** A camera id no camera has: reading it is the database's cheapest round trip we have. */
const PROBE_ID = "ready-probe";

/** Health, readiness and metrics. */
export function systemRoutes(deps: Pick<ApiDeps, "redis" | "cameras">) {
  const redisCheck = async () => {
    if (deps.redis.status !== "ready") throw new Error(`connection ${deps.redis.status}`);
    await deps.redis.ping();
  };
  const databaseCheck = async () => {
    await deps.cameras.get(PROBE_ID).catch((err) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  };
  return new Elysia({ name: "system" })
    .onRequest(({ request }) => {
      if (deps.redis.status === "ready") return;
      const { pathname } = new URL(request.url);
      if (!NEEDS_REDIS.some((p) => pathname.startsWith(p))) return;
      return Response.json({ error: `Redis unavailable (${deps.redis.status}): try again shortly` }, { status: 503, headers: { "retry-after": "1" } });
    })
    .get("/health", () => ({ status: "ok" }))
    .get("/ready", async ({ set }) => {
      const [redis, database] = await Promise.all([answers(redisCheck), answers(databaseCheck)]);
      const failing = [redis === "ok" ? "" : "redis", database === "ok" ? "" : "database"].filter(Boolean);
      if (failing.length === 0) return { status: "ready", redis, database };
      set.status = 503;
      return { status: "not ready", error: `not ready: ${failing.join(" and ")} did not answer`, redis, database };
    })
    .get("/metrics", async () => new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }));
}

/** "ok" when `check` resolves within READY_CHECK_TIMEOUT_MS, else why not (no internals beyond the reason). */
async function answers(check: () => Promise<void>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)), READY_CHECK_TIMEOUT_MS))),
    ]);
    return "ok";
  } catch (err) {
    return (err as Error).message.split("\n")[0]!.slice(0, 200);
  } finally {
    clearTimeout(timer);
  }
}
