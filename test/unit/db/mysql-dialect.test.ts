import { describe, expect, it } from "bun:test";
import { DatabaseUrlError } from "../../../src/db/errors.ts";
import { parseMysqlUrl } from "../../../src/db/mysql-dialect.ts";

describe("parseMysqlUrl", () => {
  const cases: [url: string, expected: Record<string, unknown>][] = [
    ["mysql://root@127.0.0.1:3306/test", { host: "127.0.0.1", port: 3306, user: "root", password: undefined, database: "test" }],
    ["mysql://cam:p%40ss%3Aw@db.internal/camserver", { host: "db.internal", port: 3306, user: "cam", password: "p@ss:w", database: "camserver" }],
    ["mysql://u:p@[::1]:3307/x?connectionLimit=4", { host: "::1", port: 3307, user: "u", password: "p", database: "x", connectionLimit: 4 }],
  ];
  for (const [url, expected] of cases) {
    it(`reads ${url}`, () => {
      expect(parseMysqlUrl(url)).toMatchObject(expected);
    });
  }

  it("asks for numbers from BIGINT columns while they are safe integers", () => {
    expect(parseMysqlUrl("mysql://u@h/d")).toMatchObject({ supportBigNumbers: true, bigNumberStrings: false });
  });

  const bad: [url: string, reason: string][] = [
    ["mysql://u:hunter2@h", "path must be /database"],
    ["mysql://u:hunter2@h/a/b", "path must be /database"],
    ["mysql://u:hunter2@h/d?ssl=1", 'unknown parameter "ssl"'],
    ["mysql://u:hunter2@h/d?connectionLimit=0", "connectionLimit must be a positive integer"],
    ["mysql://u:hunter2@/d", "not a valid URL"],
    ["http://u:hunter2@h/d", "scheme must be mysql://"],
  ];
  for (const [url, reason] of bad) {
    it(`refuses ${url.replace("hunter2", "***")} without echoing the password`, () => {
      const err = (() => {
        try {
          parseMysqlUrl(url);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DatabaseUrlError);
      expect((err as Error).message).toContain(reason);
      expect((err as Error).message).not.toContain("hunter2");
    });
  }
});
