/**
 * The private redis-server that `start` launches when `REDIS_URL` is not set: loopback
 * only, a free port, nothing persisted, and it dies with camserver (a camserver child:
 * pdeathsig, process group, reaped).
 */
import Redis from "ioredis";
import { spawnChild, type Child } from "../../src/proc/spawn-child.ts";

/** A running private Redis. */
export interface PrivateRedis {
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/**
 * Starts redis-server and waits until it answers PING.
 * @throws Error when it does not answer within 5 s (its stderr tail in the message)
 */
export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const port = freePort();
  const child: Child = spawnChild({
    cmd: [
      "redis-server",
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dataDir,
      "--hz",
      "100",
      "--loglevel",
      "warning",
    ],
    label: "private redis",
    stdout: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        const exit = await child.stop("no answer");
        throw new Error(`private redis-server did not start: ${exit.stderrTail.trim().split("\n").at(-1) ?? ""}`);
      }
      await Bun.sleep(20);
    }
  }
  return { url, stop: async () => void (await child.stop("camserver stopped")) };
}
