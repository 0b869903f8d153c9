/**
 * Spawns one child (ffmpeg, redis-server) so that every way it can end has a kill path:
 * a stop request, its whole-life timeout, an AbortSignal, the worker's SIGTERM (through
 * `stopAllChildren`), the worker's SIGKILL (the child dies with its parent) and a host
 * restart (the marker in its environment, for `reapOrphans`).
 *
 * The child runs as `setpriv --pdeathsig KILL -- setsid <cmd...>`, no shell. setpriv
 * asks the kernel to SIGKILL it when its parent thread dies and execs setsid, which
 * (the child not being a group leader) calls setsid(2) and execs the command without
 * forking: the pid Bun reports is the command's pid, and its process group id too.
 * Stopping signals the whole group: SIGINT, then SIGKILL after a grace period.
 *
 * Models: execa `lib/terminate` (grace then SIGKILL, the reason recorded once, a bounded
 * stderr tail) and MediaMTX `internal/externalcmd` (SIGINT, own process group).
 */
import type { FileSink } from "bun";
import { type ChildRole, childRole, countChild, isFfmpeg } from "./child-metrics.ts";
import { ProcessError, ProcessExitError, ProcessTimeoutError } from "./errors.ts";
import { MARKER_ENV, ownerMarker } from "./owner-marker.ts";
import { type Redact, StderrTail } from "./stderr-tail.ts";

/** Why `stop()` was called. Free text beyond the three built-in reasons ("stall", "lease-expired"). */
export type StopReason = "stopped" | "timeout" | "aborted" | (string & {});

/** Why a child ended: `"exit"` when it ended on its own, else the first stop reason. */
export type ExitReason = "exit" | StopReason;

/** What `spawnChild` needs. Merged with defaults and validated once, in `spawnChild`. */
export interface SpawnChildOptions {
  /** Program and arguments, run without a shell. May hold credentials: never logged. */
  cmd: string[];
  /** Names the child in logs and error messages (`"rtsp cam-12"`). Must not hold credentials. */
  label: string;
  /**
   * `"pipe"` gives a Bun `FileSink` in `child.stdin`.
   * @defaultValue `"ignore"` (reads from /dev/null)
   */
  stdin?: "pipe" | "ignore";
  /**
   * `"pipe"` gives a `ReadableStream` in `child.stdout`; the caller must then read it
   * to its end, or the child blocks once the pipe buffer (64 KiB) is full.
   * @defaultValue `"ignore"`
   */
  stdout?: "pipe" | "ignore";
  /**
   * Aborting it stops the child with reason `"aborted"`.
   * @defaultValue none
   */
  signal?: AbortSignal;
  /**
   * Whole-life limit in ms from spawn; when it runs out the child is stopped with
   * reason `"timeout"`.
   * @defaultValue none (no limit)
   */
  timeoutMs?: number;
  /**
   * Ms between SIGINT and SIGKILL to the child's process group when stopping.
   * @defaultValue 2000
   */
  killGraceMs?: number;
  /**
   * Bytes of (redacted) stderr kept for `ChildExit.stderrTail`.
   * @defaultValue 4096
   */
  stderrTailBytes?: number;
  /**
   * Applied to each stderr line before it is kept: remove credentials here.
   * @defaultValue identity
   */
  redact?: Redact;
  /**
   * Variables added to this process's environment for the child.
   * `CAMSERVER_CHILD` is always set by `spawnChild`.
   * @defaultValue none (the parent's environment as is)
   */
  env?: Record<string, string>;
  /**
   * Receives one line per notable event (escalation to SIGKILL), prefixed with the label.
   * @defaultValue none (silent)
   */
  log?: (msg: string) => void;
  /**
   * What the child is for, in `camserver_ffmpeg_*` metrics (ffmpeg children only).
   * @defaultValue derived from `cmd` and `label` (`childRole`)
   */
  role?: ChildRole;
}

/** How a child ended. */
export interface ChildExit {
  /** Exit status, or `null` when a signal ended it. */
  readonly code: number | null;
  /** Name of the signal that ended it (`"SIGINT"`, `"SIGKILL"`), or `null`. */
  readonly signal: string | null;
  /** `"exit"` if it ended on its own before any stop, else the first reason given to `stop`. */
  readonly reason: ExitReason;
  /** The last `stderrTailBytes` bytes of stderr, redacted. */
  readonly stderrTail: string;
}

/** A running child. `exited` always resolves (never rejects), after the child is reaped. */
export interface Child {
  /** Pid of the command itself, also its process group id. */
  readonly pid: number;
  /** The label it was spawned with. */
  readonly label: string;
  /** Its stdin when spawned with `stdin: "pipe"`. */
  readonly stdin: FileSink | undefined;
  /** Its stdout when spawned with `stdout: "pipe"`. */
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  /** Resolves once the child has ended and been reaped. */
  readonly exited: Promise<ChildExit>;
  /**
   * Stops the child: SIGINT to its process group, SIGKILL to the group after
   * `killGraceMs`, then waits until it is reaped. Idempotent: later calls return the
   * same promise, and the first reason recorded wins (`"exit"` if it had already ended).
   *
   * @param reason recorded in `ChildExit.reason`
   * @defaultValue reason `"stopped"`
   */
  stop(reason?: StopReason): Promise<ChildExit>;
}

const DEFAULTS = { stdin: "ignore", stdout: "ignore", killGraceMs: 2000, stderrTailBytes: 4096 } as const;

/** How long stderr may stay open after the child exits (a straggler holding the pipe), in ms. */
const STDERR_DRAIN_MS = 250;

const live = new Set<Child>();

/**
 * Spawns `opts.cmd` as a camserver child (see the module comment). Call it from the
 * main thread: the kernel's parent-death signal follows the spawning thread.
 *
 * @throws TypeError when an option is out of range (empty `cmd`, negative times)
 * @throws the signal's reason (an `AbortError` `DOMException` by default) when `opts.signal` is already aborted
 * @throws ProcessError when the spawn itself fails (setpriv missing); a missing
 *   command is not thrown but ends the child with code 127 and setsid's message in stderr
 */
export function spawnChild(opts: SpawnChildOptions): Child {
  const o = { ...DEFAULTS, redact: (t: string) => t, ...stripUndefined(opts) };
  validate(o);
  o.signal?.throwIfAborted();
  const log = (msg: string) => o.log?.(`${o.label}: ${msg}`);

  let proc;
  try {
    proc = Bun.spawn(["setpriv", "--pdeathsig", "KILL", "--", "setsid", ...o.cmd], {
      stdin: o.stdin,
      stdout: o.stdout,
      stderr: "pipe",
      env: { ...process.env, ...o.env, [MARKER_ENV]: ownerMarker() },
    });
  } catch (err) {
    throw new ProcessError(o.label, `spawn failed: ${(err as Error).message}`, { cause: err });
  }
  const pid = proc.pid;
  let reason: ExitReason | undefined;
  let leaderExited = false;
  let stopping: Promise<ChildExit> | undefined;

  /** Signals the child's process group; before setsid has run there is none, so the pid. */
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      if (!leaderExited) {
        try {
          proc.kill(sig);
        } catch {}
      }
    }
  };

  const tail = new StderrTail(o.stderrTailBytes, o.redact);
  const stderr = proc.stderr.getReader();
  const stderrDone = (async () => {
    try {
      for (;;) {
        const { done, value } = await stderr.read();
        if (done) return;
        tail.push(value);
      }
    } catch {}
  })();

  const terminate = async (): Promise<ChildExit> => {
    signalGroup("SIGINT");
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const graceOver = await Promise.race([
        proc.exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(resolve, o.killGraceMs, true))),
      ]);
      if (graceOver) {
        log(`no exit ${o.killGraceMs} ms after SIGINT, sending SIGKILL to process group ${pid}`);
        signalGroup("SIGKILL");
      }
    } finally {
      clearTimeout(timer);
    }
    return exited;
  };

  const stop = (why: StopReason = "stopped"): Promise<ChildExit> => {
    if (stopping === undefined) {
      reason ??= why;
      stopping = leaderExited ? exited : terminate();
    }
    return stopping;
  };

  const onAbort = () => void stop("aborted");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const timeout = o.timeoutMs === undefined ? undefined : setTimeout(() => void stop("timeout"), o.timeoutMs);

  const { promise: exited, resolve: resolveExited } = Promise.withResolvers<ChildExit>();
  const child: Child = {
    pid,
    label: o.label,
    stdin: (proc.stdin ?? undefined) as FileSink | undefined,
    stdout: (proc.stdout ?? undefined) as ReadableStream<Uint8Array> | undefined,
    exited,
    stop,
  };
  live.add(child);
  const uncount = isFfmpeg(o.cmd) ? countChild(o.role ?? childRole(o.cmd, o.label)) : undefined;

  void (async () => {
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    try {
      await proc.exited;
      leaderExited = true;
      reason ??= "exit";
      // Anything the child left in its group dies with it; ESRCH when the group is empty.
      signalGroup("SIGKILL");
      await Promise.race([stderrDone, new Promise((resolve) => (drainTimer = setTimeout(resolve, STDERR_DRAIN_MS)))]);
    } finally {
      clearTimeout(drainTimer);
      clearTimeout(timeout);
      o.signal?.removeEventListener("abort", onAbort);
      stderr.cancel().catch(() => {});
      live.delete(child);
    }
    const signal = proc.signalCode;
    uncount?.(reason, signal === null ? null : String(signal));
    resolveExited({
      code: signal === null ? proc.exitCode : null,
      signal: signal === null ? null : String(signal),
      reason,
      stderrTail: tail.text(),
    });
  })();

  return child;
}

/**
 * The error a child's end means, if any: `ProcessTimeoutError` for reason `"timeout"`,
 * `ProcessExitError` for a child that ended on its own with a non-zero code or a signal,
 * `null` otherwise (code 0, or stopped on request). Note that ffmpeg exits 0 when a
 * camera closes the connection: a caller expecting endless output treats `null` too as a loss.
 *
 * @param opts the options the child was spawned with (its label and timeout)
 */
export function exitError(exit: ChildExit, opts: Pick<SpawnChildOptions, "label" | "timeoutMs">): ProcessError | null {
  if (exit.reason === "timeout") return new ProcessTimeoutError(opts.label, opts.timeoutMs ?? 0, exit.stderrTail);
  if (exit.reason !== "exit" || exit.code === 0) return null;
  return new ProcessExitError(opts.label, exit.code, exit.signal, exit.stderrTail);
}

/** The children spawned by this process that have not been reaped yet, in spawn order. */
export function liveChildren(): readonly Child[] {
  return [...live];
}

/**
 * Stops every live child at once (the worker's SIGTERM handler) and resolves when all
 * are reaped: at most about `killGraceMs` of the slowest child.
 */
export async function stopAllChildren(reason: StopReason): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(reason)));
}

/** Longest delay a timer can hold (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function validate(o: Required<Pick<SpawnChildOptions, "cmd" | "killGraceMs" | "stderrTailBytes">> & SpawnChildOptions): void {
  if (o.cmd.length === 0 || o.cmd[0] === "") throw new TypeError(`${o.label}: cmd must name a program`);
  if (!(o.killGraceMs >= 0 && o.killGraceMs <= MAX_TIMER_MS)) {
    throw new TypeError(`${o.label}: killGraceMs must be within 0..${MAX_TIMER_MS}, got ${o.killGraceMs}`);
  }
  if (!(Number.isInteger(o.stderrTailBytes) && o.stderrTailBytes >= 0)) {
    throw new TypeError(`${o.label}: stderrTailBytes must be an integer >= 0, got ${o.stderrTailBytes}`);
  }
  if (o.timeoutMs !== undefined && !(o.timeoutMs > 0 && o.timeoutMs <= MAX_TIMER_MS)) {
    throw new TypeError(`${o.label}: timeoutMs must be within 1..${MAX_TIMER_MS}, got ${o.timeoutMs}`);
  }
}

/** Drops `undefined` fields so that `{ killGraceMs: undefined }` keeps the default. */
function stripUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
