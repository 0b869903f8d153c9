/**
 * loadConfig: one typed config from the environment; an invalid variable fails with a
 * ConfigError naming it, and the entry points turn that into one stderr line and exit 2.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../../../src/config.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("uses the documented defaults for an empty environment", () => {
    const c = loadConfig({});
    expect(c.port).toBe(8082);
    expect(c.sessionTtlSec).toBe(300);
    expect(c.hlsIdleTimeoutSec).toBe(120);
    expect(c.pipelineGraceMs).toBe(10000);
    expect(c.snapshotLingerMs).toBe(30000);
    expect(c.redisPrefix).toBe("camserver");
    expect(c.logLevel).toBe("info");
    expect(c.redisUrl).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.apiToken).toBeUndefined();
    expect(c.dataDir).toBe(resolve("./data"));
    expect(c.recordingsDir).toBe(resolve("./data/recordings"));
    expect(loadConfig({ RECORDINGS_DIR: "/mnt/recordings" }).recordingsDir).toBe("/mnt/recordings");
    expect(c.workerId).toEndWith(`:${process.pid}`);
  });

  it("treats empty variables as unset", () => {
    const c = loadConfig({ PORT: "", SESSION_TTL_SEC: "", REDIS_URL: "", API_TOKEN: "", LOG_LEVEL: "" });
    expect([c.port, c.sessionTtlSec, c.redisUrl, c.apiToken, c.logLevel]).toEqual([8082, 300, undefined, undefined, "info"]);
  });

  it("reads valid values", () => {
    const c = loadConfig({
      PORT: "9000",
      REDIS_URL: "rediss://cache:6380/2",
      REDIS_PREFIX: "cs-2.test_x",
      DATABASE_URL: "mysql://u:p@db:3306/camserver",
      DATA_DIR: "/var/lib/camserver",
      SESSION_TTL_SEC: "60",
      HLS_IDLE_TIMEOUT_SEC: "30",
      PIPELINE_GRACE_MS: "0",
      API_TOKEN: "12345678",
      WORKER_ID: "edge-1",
      LOG_LEVEL: "debug",
      METRICS_PORT: "9100",
      WEBRTC_PUBLIC_IPS: "192.0.2.10, 2001:db8::1",
      WEBRTC_PORT_RANGE: "40000-40100",
      WORKER_TAGS: "host:cam-board-1, gpu,,gpu",
    });
    expect(c).toEqual({
      port: 9000,
      redisUrl: "rediss://cache:6380/2",
      redisPrefix: "cs-2.test_x",
      databaseUrl: "mysql://u:p@db:3306/camserver",
      dataDir: "/var/lib/camserver",
      mediaDir: "/var/lib/camserver/media",
      recordingsDir: "/var/lib/camserver/recordings",
      sessionTtlSec: 60,
      hlsIdleTimeoutSec: 30,
      pipelineGraceMs: 0,
      snapshotLingerMs: 30000,
      apiToken: "12345678",
      workerId: "edge-1",
      logLevel: "debug",
      metricsPort: 9100,
      webrtcPublicIps: ["192.0.2.10", "2001:db8::1"],
      webrtcPortRange: [40000, 40100],
      workerTags: ["host:cam-board-1", "gpu"],
    });
  });

  it("takes a DATABASE_URL without a scheme as a SQLite file path", () => {
    expect(loadConfig({ DATABASE_URL: "/srv/camserver.db" }).databaseUrl).toBe("/srv/camserver.db");
  });

  it("puts MEDIA_DIR under DATA_DIR unless set, and takes a CAMSERVER_SECRET of 32 bytes", () => {
    expect(loadConfig({ DATA_DIR: "/srv/cs" }).mediaDir).toBe("/srv/cs/media");
    expect(loadConfig({ DATA_DIR: "/srv/cs", MEDIA_DIR: "/srv/clips" }).mediaDir).toBe("/srv/clips");
    const secret = "ab".repeat(32);
    expect(loadConfig({ CAMSERVER_SECRET: secret }).cameraSecret).toBe(secret);
    expect(loadConfig({}).cameraSecret).toBeUndefined();
  });

  it("refuses a CAMSERVER_SECRET that is not 32 bytes without repeating it", () => {
    expect(() => loadConfig({ CAMSERVER_SECRET: "too-short-secret" })).toThrow(ConfigError);
    expect(() => loadConfig({ CAMSERVER_SECRET: "too-short-secret" })).not.toThrow(/too-short-secret/);
  });

  const invalid: [variable: string, value: string][] = [
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["SESSION_TTL_SEC", "0"],
    ["HLS_IDLE_TIMEOUT_SEC", "1"],
    ["PIPELINE_GRACE_MS", "600001"],
    ["REDIS_URL", "http://x"],
    ["REDIS_URL", "not a url"],
    ["DATABASE_URL", "postgres://x"],
    ["API_TOKEN", "short"],
    ["LOG_LEVEL", "loud"],
    ["REDIS_PREFIX", "cam server"],
    ["WORKER_TAGS", "host:a,has space"],
    ["WORKER_TAGS", "x".repeat(65)],
  ];
  for (const [variable, value] of invalid) {
    it(`rejects ${variable}=${value} with a ConfigError naming ${variable}`, () => {
      const err = configError({ [variable]: value });
      expect(err.variable).toBe(variable);
      expect(err.name).toBe("ConfigError");
      expect(err.message).toContain(variable);
      expect(err.message).not.toContain("\n");
    });
  }

  it("names the variable but never echoes a secret of a rejected URL or token", () => {
    for (const [variable, value] of [
      ["REDIS_URL", "http://admin:hunter22@cache:6379"],
      ["DATABASE_URL", "postgres://admin:hunter22@db/camserver"],
      ["API_TOKEN", "hunter2"],
    ] as const) {
      const err = configError({ [variable]: value });
      expect(err.message).toContain(variable);
      expect(err.message).not.toContain("hunter2");
    }
  });
});

describe("entry point with an invalid variable", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cstest-config-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("exits with code 2 and one stderr line naming the variable, before touching DATA_DIR", async () => {
    const dataDir = join(tmp, "data");
    const root = resolve(import.meta.dir, "../../..");
    const proc = Bun.spawn([process.execPath, "infra/entry/start.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp, PORT: "abc", DATA_DIR: dataDir },
      stdout: "pipe",
      stderr: "pipe",
      timeout: 20_000,
    });
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    expect(code).toBe(2);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("PORT");
    expect(lines[0]).toContain("abc");
    expect(stdout).toBe("");
    expect(existsSync(dataDir)).toBe(false);
  });
});
