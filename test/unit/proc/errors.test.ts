import { expect, it } from "bun:test";
import { ProcessError, ProcessExitError, ProcessTimeoutError } from "../../../src/proc/errors.ts";

it("names each error after its class and keeps its data", () => {
  const exit = new ProcessExitError("hls cam-1", 1, null, "line one\nConnection refused\n");
  expect(exit).toBeInstanceOf(ProcessError);
  expect(exit.name).toBe("ProcessExitError");
  expect(exit.message).toBe("hls cam-1: exited with code 1: Connection refused");
  expect(exit.stderrTail).toBe("line one\nConnection refused\n");

  const killed = new ProcessExitError("hls cam-1", null, "SIGSEGV", "");
  expect(killed.message).toBe("hls cam-1: killed by SIGSEGV");

  const timeout = new ProcessTimeoutError("snapshot cam-2", 5000, "");
  expect(timeout.name).toBe("ProcessTimeoutError");
  expect(timeout.message).toBe("snapshot cam-2: timed out after 5000 ms");
  expect(timeout.timeoutMs).toBe(5000);
});
