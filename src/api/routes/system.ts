/**
 * Unauthenticated system routes: `GET /health` (200 as soon as the process serves
 * requests) and `GET /metrics` (Prometheus text format).
 */
import { Elysia } from "elysia";
import { registry } from "../../metrics.ts";

/** Health and metrics. */
export function systemRoutes() {
  return new Elysia()
    .get("/health", () => ({ status: "ok" }))
    .get("/metrics", async () => new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }));
}
