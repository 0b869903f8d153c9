/**
 * Typed errors of the child-process layer. Messages carry the child's label and
 * its (already redacted) stderr tail, never its command line: ffmpeg's arguments
 * hold camera URLs with credentials.
 */

/** Base class of every error thrown by `src/proc`. `label` names the child in logs. */
export class ProcessError extends Error {
  constructor(
    readonly label: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${label}: ${message}`, options);
    this.name = new.target.name;
  }
}

/**
 * A child ended on its own with a failure: a non-zero exit code or a signal it did
 * not receive from us.
 */
export class ProcessExitError extends ProcessError {
  /**
   * @param exitCode exit status, or `null` when a signal ended the child
   * @param signal name of the signal that ended it (`"SIGSEGV"`), or `null`
   * @param stderrTail the last bytes of stderr, redacted
   */
  constructor(
    label: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
  ) {
    super(label, `${exitCode === null ? `killed by ${signal}` : `exited with code ${exitCode}`}${tailSuffix(stderrTail)}`);
  }
}

/** A child outlived its whole-life timeout and was stopped. */
export class ProcessTimeoutError extends ProcessError {
  /**
   * @param timeoutMs the timeout that ran out, in milliseconds
   * @param stderrTail the last bytes of stderr, redacted
   */
  constructor(
    label: string,
    readonly timeoutMs: number,
    readonly stderrTail: string,
  ) {
    super(label, `timed out after ${timeoutMs} ms${tailSuffix(stderrTail)}`);
  }
}

/** The last line of a stderr tail, to end an error message with. */
function tailSuffix(stderrTail: string): string {
  const lines = stderrTail.trimEnd().split(/\r?\n|\r/);
  const last = lines[lines.length - 1] ?? "";
  return last === "" ? "" : `: ${last}`;
}
