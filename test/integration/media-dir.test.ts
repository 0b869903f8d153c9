/**
 * File cameras through the API: only regular files inside MEDIA_DIR are accepted, on create,
 * patch and connection test, and a refusal is the same 422 whether or not the path exists,
 * never naming it. camserver `start` against the real Redis and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stopAll } from "../support/background.ts";
import { startCamserver, tempDir, testPrefix, TEST_REDIS_URL, type CamserverProcess } from "../support/camserver.ts";
import { clipsDir } from "../support/testbed.ts";

let server: CamserverProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir("media");
  mkdirSync(join(dataDir, "media"));
  writeFileSync(join(dataDir, "notes.txt"), "private notes\n");
  symlinkSync(`${clipsDir()}/cam720.mp4`, join(dataDir, "media", "clip.mp4"));
  server = await startCamserver("start", {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: testPrefix("media"),
    DATA_DIR: dataDir,
    MEDIA_DIR: join(dataDir, "media"),
  });
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

describe("file cameras and MEDIA_DIR", () => {
  const outside = () => [join(dataDir, "notes.txt"), join(dataDir, "missing.txt"), "/etc/passwd", join(dataDir, "media", "..", "notes.txt")];

  it("refuses a file outside MEDIA_DIR with the same 422 whether it exists or not", async () => {
    for (const path of outside()) {
      const r = await server.call("POST", "/v1/cameras", { name: "x", source_url: path });
      expect(r.status).toBe(422);
      expect(r.text).toContain("source_url");
      expect(r.text).toContain("MEDIA_DIR");
      expect(r.text).not.toContain(path);
      expect(r.text).not.toContain(dataDir);
    }
  });

  it("refuses a connection test of a host file, so no snapshot of it is ever made", async () => {
    const r = await server.call("POST", "/v1/cameras/test", { source_url: join(dataDir, "notes.txt") });
    expect(r.status).toBe(422);
    expect(r.text).not.toContain(dataDir);
  });

  it("refuses a symlink out of MEDIA_DIR, accepts a real file inside it and refuses a patch to a host file", async () => {
    // The clip symlink points outside MEDIA_DIR, so it is refused too: only real files inside count.
    const viaLink = await server.call("POST", "/v1/cameras", { id: "demo2", name: "Demo", source_url: join(dataDir, "media", "clip.mp4") });
    expect(viaLink.status).toBe(422);
    writeFileSync(join(dataDir, "media", "real.mp4"), await Bun.file(`${clipsDir()}/cam720.mp4`).bytes());
    const ok = await server.call("POST", "/v1/cameras", { id: "demo2", name: "Demo", source_url: join(dataDir, "media", "real.mp4") });
    expect(ok.status).toBe(201);
    writeFileSync(join(dataDir, "media", "notes.mp4"), "plain text, not a video\n");
    const probe = await server.call("POST", "/v1/cameras/test", { source_url: join(dataDir, "media", "notes.mp4") });
    expect(probe.json.ok).toBe(false);
    expect(probe.text).not.toContain(dataDir);
    const patch = await server.call("PATCH", "/v1/cameras/demo2", { source_url: "/etc/passwd" });
    expect(patch.status).toBe(422);
    expect(patch.text).not.toContain("/etc/passwd");
    expect((await server.call("GET", "/v1/cameras/demo2")).json.source_url).toBe(join(dataDir, "media", "real.mp4"));
  });
});
