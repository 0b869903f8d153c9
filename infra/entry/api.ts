/**
 * `bun run api`: the HTTP API only, for scale-out (REDIS_URL and, with several hosts,
 * a MySQL DATABASE_URL are required; workers run elsewhere).
 */
import { openDatabase } from "../../src/db/open-database.ts";
import { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import { recordingRepositories } from "../../src/db/recording-repositories.ts";
import { eventRepositories } from "../../src/db/event-repositories.ts";
import { MAX_REQUEST_BODY } from "../../src/api/body-limit.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import { createLogger } from "../../src/log.ts";
import { openRedis } from "../../queues/connection.ts";
import { resolveCameraSeal } from "../../src/db/camera-secret.ts";
import { resolveApiToken } from "./api-token.ts";
import { composeApi } from "./compose-api.ts";
import { configOrExit, logUnhandledErrors, onShutdown } from "../../src/lifecycle.ts";

const config = configOrExit();
if (!config.redisUrl) {
  console.error("camserver: invalid REDIS_URL: required for `api` (only `start` launches a private Redis)");
  process.exit(2);
}
const log = createLogger(config.logLevel, "camserver-api");
logUnhandledErrors(log);
const redis = openRedis(config.redisUrl);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const { token } = await resolveApiToken(config.apiToken, config.dataDir);
const api = await composeApi(
  config,
  redis,
  new CamerasRepository(database.db, { seal: await resolveCameraSeal(config.cameraSecret, config.dataDir) }),
  token,
  new ApiTokensRepository(database.db),
  log,
  recordingRepositories(database.db),
  eventRepositories(database.db),
);
// Bun answers 413 itself past this; routes read at most 64 KiB (src/api/body-limit.ts).
api.app.listen({ port: config.port, hostname: "0.0.0.0", maxRequestBodySize: MAX_REQUEST_BODY });
log.info({ port: api.app.server?.port }, "api listening");
onShutdown(async () => {
  await api.close();
  await database.close();
  redis.disconnect();
});
