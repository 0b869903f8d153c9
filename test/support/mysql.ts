/**
 * A private MariaDB/MySQL database per test file on the machine's server
 * (TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/test), dropped afterwards.
 */
import { createConnection } from "mysql2/promise";
import { TEST_MYSQL_URL } from "./camserver.ts";

/** A created database and its URL. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates `camserver_it_<random>`; throws when the server is unreachable. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = new URL(TEST_MYSQL_URL);
  const name = `camserver_it_${Math.random().toString(36).slice(2, 10)}`;
  const conn = await createConnection({
    host: admin.hostname,
    port: Number(admin.port || 3306),
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
  });
  await conn.query(`CREATE DATABASE \`${name}\``);
  await conn.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await createConnection({
        host: admin.hostname,
        port: Number(admin.port || 3306),
        user: decodeURIComponent(admin.username),
        password: decodeURIComponent(admin.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Whether the test MariaDB/MySQL server answers. */
export async function mysqlReachable(): Promise<boolean> {
  const admin = new URL(TEST_MYSQL_URL);
  try {
    const c = await createConnection({
      host: admin.hostname,
      port: Number(admin.port || 3306),
      user: decodeURIComponent(admin.username),
      password: decodeURIComponent(admin.password),
      connectTimeout: 2000,
    });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Skip MySQL suites on a machine without the server, but never under CI. */
export const skipWithoutMysql = !(await mysqlReachable()) && process.env.CI !== "true";
if (skipWithoutMysql) console.warn(`MariaDB/MySQL at ${TEST_MYSQL_URL} is unreachable: skipping its suites (set TEST_MYSQL_URL)`);
