/**
 * Shared start-up of the entry points: configuration errors as one line and exit 2,
 * SIGTERM/SIGINT to a clean shutdown, and a second signal to exit at once.
 */
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { unhandledErrors } from "./metrics.ts";

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

/**
 * Keeps a server process up through an error nobody awaited (a library's timer, a socket
 * callback): it is logged and counted in `camserver_unhandled_errors_total` instead of
 * ending every camera's pipeline with the process. Each one is a bug to find in the log.
 */
export function logUnhandledErrors(log: { error: (obj: object, msg: string) => void }): void {
  const report = (kind: string) => (err: unknown) => {
    unhandledErrors.inc({ kind });
    log.error({ err: err instanceof Error ? `${err.name}: ${err.message}` : String(err), stack: err instanceof Error ? err.stack : undefined }, kind);
  };
  process.on("unhandledRejection", report("unhandled rejection"));
  process.on("uncaughtException", report("uncaught exception"));
}
