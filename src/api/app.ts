/**
 * The HTTP API (Elysia): `/health`, `/metrics`, the page at `/`, `/hls/...` (session id
 * as capability), `/v1/...` behind tokens with roles (src/api/auth.ts), and Bull Board at
 * `/admin/queues`; the API's OpenAPI 3 document at `/openapi.json`, read at `/docs`.
 * Errors are answered in one place (`error-status.ts`).
 */
import { Elysia } from "elysia";
import { Authenticator } from "./auth.ts";
import { BOARD_PATH, createBoard } from "./board.ts";
import type { ApiDeps } from "./deps.ts";
import { errorResponse, logFailure } from "./error-status.ts";
import { openApiDocs } from "./openapi-docs.ts";
import { requestGuard } from "./request-guard.ts";
import { cameraRoutes } from "./routes/cameras.ts";
import { consoleRoutes } from "./routes/console.ts";
import { playbackRoutes } from "./routes/playback.ts";
import { recordingSettingsRoutes } from "./routes/recording-settings.ts";
import { recordingRoutes } from "./routes/recordings.ts";
import { seedRecordingRoutes } from "./routes/seed-recording.ts";
import { hlsRoutes } from "./routes/hls.ts";
import { snapshotRoutes } from "./routes/snapshots.ts";
import { streamRoutes } from "./routes/streams.ts";
import { systemRoutes } from "./routes/system.ts";
import { webRoutes } from "./routes/web.ts";
import { seedWebRtcRoutes, whepPreflightRoutes, whepRoutes } from "./routes/whep.ts";

const packageVersion: string = (await Bun.file(new URL("../../package.json", import.meta.url)).json()).version;

/** Builds the API app; call `.listen(port)` on it. */
export async function createApp(deps: ApiDeps) {
  const board = createBoard(deps.boardQueues);
  // Tokens, roles and body bounds of every route: src/api/request-guard.ts.
  const v1 = new Elysia({ prefix: "/v1" })
    .use(cameraRoutes(deps))
    .use(streamRoutes(deps))
    .use(snapshotRoutes(deps))
    .use(whepRoutes(deps))
    .use(recordingRoutes(deps))
    .use(recordingSettingsRoutes(deps))
    .use(playbackRoutes(deps))
    .use(consoleRoutes(deps));
  const forwardBoard = ({ request, body }: { request: Request; body: unknown }) => board.fetch(request, body);
  return new Elysia()
    .use(requestGuard(new Authenticator(deps.apiToken, deps.tokens)))
    .onError(({ code, error, set }) => {
      const { status, body } = errorResponse(code, error);
      logFailure(deps.log, code, error, status);
      set.status = status;
      return body;
    })
    .use(openApiDocs(packageVersion))
    .use(systemRoutes(deps))
    .use(await webRoutes())
    .use(hlsRoutes(deps))
    .use(whepPreflightRoutes())
    .use(v1)
    .use(seedWebRtcRoutes(deps))
    .use(seedRecordingRoutes(deps))
    .all(BOARD_PATH, forwardBoard)
    .all(`${BOARD_PATH}/*`, forwardBoard);
}
