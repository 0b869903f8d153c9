/**
 * `TracingChannel#hasSubscribers` for Bun, as Node.js has it since v20.13 (node:diagnostics_channel):
 * true when any of the channel's start, end, asyncStart, asyncEnd or error channels has a
 * subscriber. Bun 1.4 lacks the getter (it reads `undefined`), and ioredis 6 traces a command
 * unless `hasSubscribers` is `false`: every command then stringifies its arguments for a trace
 * context nobody reads. For `EVALSHA` with an LL-HLS part as an argument that meant decoding
 * the part's bytes as UTF-8 on every write; in all, about half the CPU of 20 live cameras
 * (docs/operations.md, "Redis"). Installed once, on import; where the runtime has the getter,
 * nothing changes.
 */
import dc from "node:diagnostics_channel";

const proto = Object.getPrototypeOf(dc.tracingChannel("camserver:probe")) as object;
if (!("hasSubscribers" in proto)) {
  Object.defineProperty(proto, "hasSubscribers", {
    configurable: true,
    get(this: Record<"start" | "end" | "asyncStart" | "asyncEnd" | "error", { hasSubscribers: boolean }>): boolean {
      return (
        this.start.hasSubscribers || this.end.hasSubscribers || this.asyncStart.hasSubscribers || this.asyncEnd.hasSubscribers || this.error.hasSubscribers
      );
    },
  });
}
