/**
 * Background processes of tests (test-bed cameras, camserver processes): started in their
 * own process group, waited for a readiness line, and always stopped (SIGTERM, then
 * SIGKILL after a grace) by `stop()` or by `stopAll()` in afterAll.
 */
import type { Subprocess } from "bun";

/** A started background process with its collected output. */
export interface Background {
  readonly proc: Subprocess;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when a line matching `pattern` appears; rejects after `timeoutMs` or when the process exits. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once reaped. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (no clean-up by the process itself). */
  kill(): Promise<void>;
}

const running = new Set<Background>();

/** Starts `cmd` with `env` added to the environment. */
export function startBackground(cmd: string[], env: Record<string, string> = {}, cwd?: string): Background {
  let out = "";
  const proc = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore", cwd });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    const reader = s.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += dec.decode(value, { stream: true });
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const bg: Background = {
    proc,
    pid: proc.pid,
    output: () => out,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(pattern);
        if (m) return m[0];
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${cmd[0]} exited before ${pattern}: ${out.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`${cmd[0]}: no ${pattern} within ${timeoutMs} ms: ${out.slice(-2000)}`);
        await Bun.sleep(20);
      }
    },
    async stop(graceMs = 5000) {
      running.delete(bg);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await proc.exited;
      clearTimeout(timer);
    },
    async kill() {
      running.delete(bg);
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
  running.add(bg);
  return bg;
}

/** Stops every background process still running (call in afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop()));
}
