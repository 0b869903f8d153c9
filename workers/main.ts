/**
 * `bun run worker`: BullMQ workers only (no HTTP), for more worker hosts pointed at the
 * same Redis and MySQL. SIGTERM stops every holder and ffmpeg child and hands running
 * pipeline jobs to other workers; SIGKILL leaves nothing behind either (pdeathsig).
 */
import { openDatabase } from "../src/db/open-database.ts";
import { CamerasRepository } from "../src/db/cameras-repository.ts";
import { createLogger } from "../src/log.ts";
import { openRedis } from "../queues/connection.ts";
import { configOrExit, logUnhandledErrors, onShutdown } from "../src/lifecycle.ts";
import { startWorkers } from "./runtime.ts";

const config = configOrExit();
if (!config.redisUrl) {
  console.error("camserver: invalid REDIS_URL: required for `worker` (only `start` launches a private Redis)");
  process.exit(2);
}
const log = createLogger(config.logLevel, "camserver-worker");
logUnhandledErrors(log);
const redis = openRedis(config.redisUrl);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const runtime = await startWorkers({ config, redis, cameras: new CamerasRepository(database.db), log });
onShutdown(async () => {
  await runtime.close();
  await database.close();
  redis.disconnect();
});
