/**
 * `bun run start`: API and worker in one process for a single host. Without REDIS_URL
 * it launches a private redis-server (and stops it on exit); without DATABASE_URL it uses
 * SQLite under DATA_DIR. With DEMO_CLIP set to an H.264 file inside MEDIA_DIR it registers the camera
 * `demo` that loops the clip in real time through the same pipeline as an RTSP camera.
 */
import { mkdir } from "node:fs/promises";
import { openDatabase } from "../../src/db/open-database.ts";
import { ApiTokensRepository } from "../../src/db/api-tokens-repository.ts";
import { recordingRepositories } from "../../src/db/recording-repositories.ts";
import { eventRepositories } from "../../src/db/event-repositories.ts";
import { MAX_REQUEST_BODY } from "../../src/api/body-limit.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import { NotFoundError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { openRedis } from "../../queues/connection.ts";
import { startWorkers } from "../../workers/runtime.ts";
import { resolveCameraSeal } from "../../src/db/camera-secret.ts";
import { resolveApiToken } from "./api-token.ts";
import { composeApi } from "./compose-api.ts";
import { startPrivateRedis } from "./private-redis.ts";
import { configOrExit, logUnhandledErrors, onShutdown } from "../../src/lifecycle.ts";

const config = configOrExit();
const log = createLogger(config.logLevel);
logUnhandledErrors(log);
await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
await mkdir(config.mediaDir, { recursive: true });
const privateRedis = config.redisUrl ? undefined : await startPrivateRedis(config.dataDir);
const redis = openRedis(config.redisUrl ?? privateRedis!.url);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const cameras = new CamerasRepository(database.db, { seal: await resolveCameraSeal(config.cameraSecret, config.dataDir) });
const { token, generated } = await resolveApiToken(config.apiToken, config.dataDir);
const recordingRepos = recordingRepositories(database.db);
const api = await composeApi(config, redis, cameras, token, new ApiTokensRepository(database.db), log, recordingRepos, eventRepositories(database.db));
// Bun answers 413 itself past this; routes read at most 64 KiB (src/api/body-limit.ts).
api.app.listen({ port: config.port, hostname: "0.0.0.0", maxRequestBodySize: MAX_REQUEST_BODY });
const port = api.app.server?.port;
const workers = await startWorkers({ config, redis, cameras, ...recordingRepos, log });

const demoClip = process.env.DEMO_CLIP;
if (demoClip) {
  try {
    const demo = await cameras.get("demo");
    // The clip moved into MEDIA_DIR; a demo camera stored with the old path follows it.
    if (demo.sourceUrl !== demoClip) await cameras.update("demo", { sourceUrl: demoClip });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await cameras.create({ id: "demo", name: "Demo camera", sourceUrl: demoClip, username: null, password: null, network: "local" });
    await workers.cameraQueues.ensure("demo");
  }
}
log.info({ port, redis: privateRedis ? "private" : "external", database: database.dialect }, "camserver started");
// The token is printed once, when it was generated; later starts print only the address.
if (generated) console.log(`camserver: open http://localhost:${port}/#token=${encodeURIComponent(token)} (API token stored in ${config.dataDir}/api-token)`);
else console.log(`camserver: open http://localhost:${port}/ (API token: API_TOKEN or ${config.dataDir}/api-token)`);

onShutdown(async () => {
  await api.close();
  await workers.close();
  await database.close();
  redis.disconnect();
  await privateRedis?.stop();
});
