/**
 * The HTTP API (Elysia): `/health`, `/metrics`, the page at `/`, `/hls/...` (session id
 * as capability), `/v1/...` behind the bearer token, and Bull Board at `/admin/queues`.
 * Errors are answered in one place (`error-status.ts`).
 */
import { Elysia } from "elysia";
import { isAuthorized } from "./auth.ts";
import { BOARD_PATH, createBoard } from "./board.ts";
import type { ApiDeps } from "./deps.ts";
import { errorResponse } from "./error-status.ts";
import { cameraRoutes } from "./routes/cameras.ts";
import { hlsRoutes } from "./routes/hls.ts";
import { snapshotRoutes } from "./routes/snapshots.ts";
import { streamRoutes } from "./routes/streams.ts";
import { systemRoutes } from "./routes/system.ts";
import { webRoutes } from "./routes/web.ts";
import { seedWebRtcRoutes, whepPreflightRoutes, whepRoutes } from "./routes/whep.ts";

const unauthorized = (realm: "Bearer" | "Basic") =>
  new Response(JSON.stringify({ error: "missing or wrong API token" }), {
    status: 401,
    headers: { "content-type": "application/json", "www-authenticate": `${realm} realm="camserver"` },
  });

/** Builds the API app; call `.listen(port)` on it. */
export async function createApp(deps: ApiDeps) {
  const board = createBoard(deps.boardQueues);
  const requireToken = ({ request }: { request: Request }) => {
    if (!isAuthorized(request.headers.get("authorization"), deps.apiToken)) return unauthorized("Bearer");
  };
  const v1 = new Elysia({ prefix: "/v1" })
    // Bodies are JSON whatever Content-Type a client sends (curl -d sends form encoding),
    // except on WHEP resources, whose bodies (SDP) stay text for the route to judge.
    .onParse(async ({ request }) => {
      const text = await request.text();
      if (new URL(request.url).pathname.includes("/whep")) return text;
      return text === "" ? undefined : JSON.parse(text);
    })
    .onBeforeHandle(requireToken)
    .use(cameraRoutes(deps))
    .use(streamRoutes(deps))
    .use(snapshotRoutes(deps))
    .use(whepRoutes(deps));
  const forwardBoard = ({ request }: { request: Request }) =>
    isAuthorized(request.headers.get("authorization"), deps.apiToken) ? board.fetch(request) : unauthorized("Basic");
  return new Elysia()
    .onError(({ code, error, set }) => {
      const { status, body } = errorResponse(code, error);
      if (status >= 500) deps.log.error({ err: error instanceof Error ? error.message : String(error), code }, "request failed");
      set.status = status;
      return body;
    })
    .use(systemRoutes())
    .use(await webRoutes())
    .use(hlsRoutes(deps))
    .use(whepPreflightRoutes())
    .use(v1)
    .use(new Elysia().onBeforeHandle(requireToken).use(seedWebRtcRoutes(deps)))
    .all(BOARD_PATH, forwardBoard)
    .all(`${BOARD_PATH}/*`, forwardBoard);
}
