import { describe, expect, it } from "bun:test";
import { errorResponse } from "../../../src/api/error-status.ts";
import { isDatabaseUnreachable } from "../../../src/db/errors.ts";

/** An error shaped like mysql2's (code, fatal). */
function mysqlError(code: string, fatal = false): Error {
  return Object.assign(new Error(`mysql2 ${code}`), { code, fatal });
}

describe("isDatabaseUnreachable", () => {
  it.each(["ECONNREFUSED", "ETIMEDOUT", "PROTOCOL_CONNECTION_LOST", "ECONNRESET"])("counts %s as unreachable", (code) => {
    expect(isDatabaseUnreachable(mysqlError(code))).toBe(true);
  });
  it("counts any fatal connection error as unreachable", () => {
    expect(isDatabaseUnreachable(mysqlError("ER_SOMETHING_NEW", true))).toBe(true);
  });
  it("finds the cause of a wrapping error", () => {
    expect(isDatabaseUnreachable(new Error("query failed", { cause: mysqlError("ECONNREFUSED") }))).toBe(true);
  });
  it("does not count a bad query or a duplicate key", () => {
    expect(isDatabaseUnreachable(mysqlError("ER_PARSE_ERROR"))).toBe(false);
    expect(isDatabaseUnreachable(mysqlError("ER_DUP_ENTRY"))).toBe(false);
    expect(isDatabaseUnreachable("ECONNREFUSED")).toBe(false);
  });
  it("makes the API answer 503 naming the database", () => {
    const r = errorResponse("UNKNOWN", mysqlError("ECONNREFUSED", true));
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/database/);
  });
});
