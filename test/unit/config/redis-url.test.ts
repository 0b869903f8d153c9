import { describe, expect, it } from "bun:test";
import { redisOptions } from "../../../queues/connection.ts";
import { loadConfig } from "../../../src/config.ts";
import { parseRedisUrl, RedisUrlError } from "../../../src/redis-url.ts";

describe("REDIS_URL", () => {
  it("keeps a redis:// or rediss:// URL as it is, for ioredis to read", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6379/2")).toEqual({ kind: "direct", url: "redis://127.0.0.1:6379/2" });
    expect(parseRedisUrl("rediss://:pw@cache:6380")).toEqual({ kind: "direct", url: "rediss://:pw@cache:6380" });
  });

  it("reads the Sentinels, their default port 26379 and the master name of a redis+sentinel URL", () => {
    expect(parseRedisUrl("redis+sentinel://s1:26380,10.0.0.2,[::1]:26381/mymaster")).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s1", port: 26380 },
        { host: "10.0.0.2", port: 26379 },
        { host: "::1", port: 26381 },
      ],
      name: "mymaster",
      password: undefined,
      sentinelPassword: undefined,
      db: 0,
    });
  });

  it("reads the data password, the Sentinels' password and the db", () => {
    const t = parseRedisUrl("redis+sentinel://:s%40cret@s1:26379,s2:26379/cams?db=3&sentinel_password=other");
    expect(t).toMatchObject({ kind: "sentinel", name: "cams", password: "s@cret", sentinelPassword: "other", db: 3 });
  });

  it("turns a Sentinel URL into ioredis options with sentinels and name", () => {
    const { url, options } = redisOptions("redis+sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster");
    expect(url).toBeUndefined();
    expect(options.sentinels).toEqual([
      { host: "127.0.0.1", port: 26379 },
      { host: "127.0.0.1", port: 26380 },
    ]);
    expect(options.name).toBe("mymaster");
    expect(options.maxRetriesPerRequest).toBeNull();
  });

  it.each([
    ["redis+sentinel://s1:26379", "needs /MASTER_NAME"],
    ["redis+sentinel://s1:26379/", "master name"],
    ["redis+sentinel://s1:99999/m", "outside 1-65535"],
    ["redis+sentinel://s1:26379,,s2/m", "is not a Sentinel host"],
    ["redis+sentinel://s1/m?db=x", "not a database number"],
    ["http://x", "scheme must be"],
    ["not a url", "is not a URL"],
  ])("refuses %s", (raw, message) => {
    expect(() => parseRedisUrl(raw)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(raw)).toThrow(message);
  });

  it("never names the password when it refuses a URL", () => {
    try {
      parseRedisUrl("redis+sentinel://:hunter22@s1:notaport/m");
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(RedisUrlError);
      expect((err as Error).message).not.toContain("hunter22");
    }
  });

  it("is accepted by loadConfig, and a bad one stops start-up naming REDIS_URL", () => {
    expect(loadConfig({ REDIS_URL: "redis+sentinel://a:26379,b:26379/mymaster" }).redisUrl).toBe("redis+sentinel://a:26379,b:26379/mymaster");
    expect(() => loadConfig({ REDIS_URL: "redis+sentinel://a:26379" })).toThrow("invalid REDIS_URL");
  });
});
