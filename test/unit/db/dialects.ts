/**
 * Runs one suite against every dialect: SQLite in a temporary directory and MariaDB/MySQL
 * in a database of its own (`camserver_test_<random>`, dropped afterwards), at
 * TEST_MYSQL_URL or mysql://root@127.0.0.1:3306/test. An unreachable MariaDB skips its
 * half with a warning, except when CI=true, where it fails.
 */
import { afterAll, beforeAll, describe, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { redactUrl } from "../../../src/cameras/source-url.ts";
import type { SqlDialectName } from "../../../src/db/database.ts";
import { parseMysqlUrl } from "../../../src/db/mysql-dialect.ts";

/** Where the suite's database is; `url` is set before the suite's first test runs. */
export interface DialectContext {
  readonly dialect: SqlDialectName;
  url: string;
}

const mysqlBaseUrl = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

function serverOptions() {
  const { database: _database, ...options } = parseMysqlUrl(mysqlBaseUrl);
  return { ...options, connectTimeout: 3000 };
}

async function onServer(statement: string): Promise<void> {
  const conn = await mysql.createConnection(serverOptions());
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

/** Why MariaDB cannot be used, or undefined when it answers. Probed once per test file. */
const mysqlProblem: string | undefined = await onServer("SELECT 1").then(
  () => undefined,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);

function sqliteSuite(title: string, body: (ctx: DialectContext) => void): void {
  describe(`${title} [sqlite]`, () => {
    const ctx: DialectContext = { dialect: "sqlite", url: "" };
    let dir = "";
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "camserver-db-"));
      ctx.url = join(dir, "camserver.db");
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    body(ctx);
  });
}

function mysqlSuite(title: string, body: (ctx: DialectContext) => void): void {
  if (mysqlProblem !== undefined) {
    if (process.env.CI === "true") {
      describe(`${title} [mysql]`, () => {
        it("reaches MariaDB (required when CI=true)", () => {
          throw new Error(`MariaDB unreachable at ${redactUrl(mysqlBaseUrl)}: ${mysqlProblem}`);
        });
      });
    } else {
      console.warn(`skipping "${title} [mysql]": MariaDB unreachable (${mysqlProblem}); set TEST_MYSQL_URL`);
      describe(`${title} [mysql]`, () => {
        it.skip(`needs MariaDB at ${redactUrl(mysqlBaseUrl)} (${mysqlProblem})`, () => {});
      });
    }
    return;
  }
  describe(`${title} [mysql]`, () => {
    const ctx: DialectContext = { dialect: "mysql", url: "" };
    const name = `camserver_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    beforeAll(async () => {
      await onServer(`CREATE DATABASE \`${name}\``);
      const u = new URL(mysqlBaseUrl);
      u.pathname = `/${name}`;
      ctx.url = u.href;
    });
    afterAll(() => onServer(`DROP DATABASE IF EXISTS \`${name}\``));
    body(ctx);
  });
}

/** Declares `body` once per dialect, as `<title> [sqlite]` and `<title> [mysql]`. */
export function describeEachDialect(title: string, body: (ctx: DialectContext) => void): void {
  sqliteSuite(title, body);
  mysqlSuite(title, body);
}
