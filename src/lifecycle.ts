/**
 * Shared start-up of the entry points: configuration errors as one line and exit 2,
 * SIGTERM/SIGINT to a clean shutdown, and a second signal to exit at once.
 */
import { ConfigError, loadConfig, type Config } from "./config.ts";

/** Loads config or exits with one line naming the variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`camserver: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs `shutdown` on the first SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown(shutdown: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (err) => {
        console.error(`camserver: shutdown after ${sig} failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => handler("SIGTERM"));
  process.on("SIGINT", () => handler("SIGINT"));
}
