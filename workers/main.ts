/**
 * `bun run worker`: BullMQ workers only (no HTTP), for more worker hosts pointed at the
 * same Redis and MySQL. SIGTERM stops every holder and ffmpeg child and hands running
 * pipeline jobs to other workers; SIGKILL leaves nothing behind either (pdeathsig).
 */
import { openDatabase } from "../src/db/open-database.ts";
import { CamerasRepository } from "../src/db/cameras-repository.ts";
import { recordingRepositories } from "../src/db/recording-repositories.ts";
import { createLogger } from "../src/log.ts";
import { registry } from "../src/metrics.ts";
import { openRedis } from "../queues/connection.ts";
import { configOrExit, logUnhandledErrors, onShutdown } from "../src/lifecycle.ts";
import { resolveCameraSeal } from "../src/db/camera-secret.ts";
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
const runtime = await startWorkers({
  config,
  redis,
  cameras: new CamerasRepository(database.db, { seal: await resolveCameraSeal(config.cameraSecret, config.dataDir) }),
  ...recordingRepositories(database.db),
  log,
});
// Worker hosts serve no API; METRICS_PORT gives Prometheus their pipeline metrics.
const metrics = config.metricsPort
  ? Bun.serve({
      port: config.metricsPort,
      fetch: async (req) =>
        new URL(req.url).pathname === "/metrics"
          ? new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } })
          : new Response("not found", { status: 404 }),
    })
  : undefined;
onShutdown(async () => {
  await metrics?.stop();
  await runtime.close();
  await database.close();
  redis.disconnect();
});
