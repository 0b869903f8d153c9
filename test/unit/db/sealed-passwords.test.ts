/**
 * Camera passwords at rest, on SQLite and MariaDB: the column holds `v1:` sealed values only,
 * clear-text rows from before sealing still read, a wrong CAMSERVER_SECRET fails the one
 * camera with an error naming it, and `bun run secret rotate` keeps every camera readable.
 * Then SQLite's file modes and the rotate command as a process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "bun:test";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewCamera } from "../../../src/cameras/camera.ts";
import { resolveCameraSeal } from "../../../src/db/camera-secret.ts";
import { CamerasRepository } from "../../../src/db/cameras-repository.ts";
import type { Database } from "../../../src/db/database.ts";
import { openDatabase } from "../../../src/db/open-database.ts";
import { generateSecret, PasswordSeal, SealedPasswordError } from "../../../src/db/password-seal.ts";
import { describeEachDialect } from "./dialects.ts";

const ROOT = join(import.meta.dir, "../../..");

function camera(id: string, password: string | null): NewCamera {
  return { id, name: `Camera ${id}`, sourceUrl: "rtsp://10.0.0.5:554/stream1", username: "admin", password, network: "local" };
}

describeEachDialect("sealed camera passwords", (ctx) => {
  let database: Database;
  const seal = new PasswordSeal(generateSecret());
  let repo: CamerasRepository;

  beforeAll(async () => {
    database = await openDatabase({ url: ctx.url, dataDir: "/nonexistent" });
    repo = new CamerasRepository(database.db, { seal });
  });
  afterAll(() => database.close());
  beforeEach(() => database.db.deleteFrom("cameras").execute());

  const column = async (id: string) => (await database.db.selectFrom("cameras").select("password").where("id", "=", id).executeTakeFirstOrThrow()).password;

  it("stores a sealed value, never the password, on create and on update", async () => {
    await repo.create(camera("c1", "s3cret-create"));
    expect(await column("c1")).toMatch(/^v1:/);
    expect(await column("c1")).not.toContain("s3cret-create");
    expect((await repo.get("c1")).password).toBe("s3cret-create");
    await repo.update("c1", { password: "s3cret-update" });
    expect(await column("c1")).not.toContain("s3cret-update");
    expect((await repo.get("c1")).password).toBe("s3cret-update");
    await repo.update("c1", { password: null });
    expect(await column("c1")).toBeNull();
  });

  it("stores the longest password of 4-byte characters sealed", async () => {
    const longest = "🔑".repeat(200);
    await repo.create(camera("long", longest));
    expect((await repo.get("long")).password).toBe(longest);
  });

  it("reads a clear-text row from before sealing and seals it on its next write", async () => {
    await new CamerasRepository(database.db).create(camera("old", "plain"));
    expect(await column("old")).toBe("plain");
    expect((await repo.get("old")).password).toBe("plain");
    await repo.update("old", { name: "renamed" });
    expect(await column("old")).toMatch(/^v1:/);
    expect((await repo.get("old")).password).toBe("plain");
  });

  it("fails only the camera whose password does not open, naming CAMSERVER_SECRET", async () => {
    await repo.create(camera("good", null));
    await repo.create(camera("bad", "s3cret"));
    const wrong = new CamerasRepository(database.db, { seal: new PasswordSeal(generateSecret()) });
    expect(wrong.get("bad")).rejects.toThrow(SealedPasswordError);
    expect(wrong.get("bad")).rejects.toThrow(/CAMSERVER_SECRET/);
    expect((await wrong.get("good")).id).toBe("good");
    expect((await wrong.list()).map((c) => c.id).sort()).toEqual(["bad", "good"]);
    // Entering the password again under the new secret repairs the camera.
    await wrong.update("bad", { password: "again" });
    expect((await wrong.get("bad")).password).toBe("again");
  });

  it("re-seals every password under a new secret, clear-text ones too, and keeps every camera readable", async () => {
    await repo.create(camera("a", "pa"));
    await repo.create(camera("b", null));
    await new CamerasRepository(database.db).create(camera("c", "pc"));
    const next = new PasswordSeal(generateSecret());
    expect(await repo.reseal(next)).toBe(2);
    const after = new CamerasRepository(database.db, { seal: next });
    expect((await after.get("a")).password).toBe("pa");
    expect((await after.get("b")).password).toBeNull();
    expect((await after.get("c")).password).toBe("pc");
    expect(await column("c")).toMatch(/^v1:/);
    expect(repo.get("a")).rejects.toThrow(SealedPasswordError);
  });

  it("changes nothing when a password does not open under the current secret", async () => {
    await repo.create(camera("a", "pa"));
    const before = await column("a");
    const wrong = new CamerasRepository(database.db, { seal: new PasswordSeal(generateSecret()) });
    expect(wrong.reseal(new PasswordSeal(generateSecret()))).rejects.toThrow(SealedPasswordError);
    expect(await column("a")).toBe(before);
  });
});

describe("SQLite files and the rotate command", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "camserver-secret-"));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  const mode = async (p: string) => (await stat(p)).mode & 0o777;

  it("creates the data directory 0700 and the database, WAL and SHM files 0600", async () => {
    const dataDir = join(tmp, "data");
    const database = await openDatabase({ dataDir });
    try {
      await new CamerasRepository(database.db, { seal: new PasswordSeal(generateSecret()) }).create(camera("c1", "s3cret"));
      expect(await mode(dataDir)).toBe(0o700);
      for (const f of ["camserver.db", "camserver.db-wal", "camserver.db-shm"]) expect(await mode(join(dataDir, f))).toBe(0o600);
    } finally {
      await database.close();
    }
  });

  it("tightens an existing world-readable database file to 0600", async () => {
    const file = join(tmp, "loose.db");
    await Bun.write(file, "");
    await Bun.$`chmod 644 ${file}`;
    const database = await openDatabase({ url: file, dataDir: tmp });
    await database.close();
    expect(await mode(file)).toBe(0o600);
  });

  async function rotate(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp, DATA_DIR: dataDir };
    const p = Bun.spawn(["bun", join(ROOT, "infra/entry/secret.ts"), "rotate", ...args], { env, stdout: "pipe", stderr: "pipe" });
    const out = (await new Response(p.stdout).text()) + (await new Response(p.stderr).text());
    return { code: await p.exited, out };
  }

  it("`secret rotate` re-seals under a generated secret and writes it 0600 in place of the old one", async () => {
    const dataDir = join(tmp, "rotate");
    const first = await rotate(dataDir); // no cameras yet: creates the first secret and the database
    expect(first.code).toBe(0);
    const oldSecret = (await Bun.file(join(dataDir, "secret")).text()).trim();
    const database = await openDatabase({ dataDir });
    try {
      await new CamerasRepository(database.db, { seal: new PasswordSeal(oldSecret) }).create(camera("c1", "s3cret"));
      const { code, out } = await rotate(dataDir);
      expect(out).toContain("re-sealed 1 camera password");
      expect(code).toBe(0);
      const newSecret = (await Bun.file(join(dataDir, "secret")).text()).trim();
      expect(newSecret).not.toBe(oldSecret);
      expect(out).not.toContain(newSecret);
      expect(await mode(join(dataDir, "secret"))).toBe(0o600);
      expect((await new CamerasRepository(database.db, { seal: new PasswordSeal(newSecret) }).get("c1")).password).toBe("s3cret");
    } finally {
      await database.close();
    }
  });

  it("`secret rotate --new-secret` uses the given secret and refuses a malformed one", async () => {
    const dataDir = join(tmp, "given");
    const given = generateSecret();
    expect((await rotate(dataDir, "--new-secret", given)).code).toBe(0);
    expect((await Bun.file(join(dataDir, "secret")).text()).trim()).toBe(given);
    const bad = await rotate(dataDir, "--new-secret", "not-a-secret");
    expect(bad.code).toBe(2);
    expect(bad.out).not.toContain("not-a-secret");
    expect((await Bun.file(join(dataDir, "secret")).text()).trim()).toBe(given);
  });
});

describe("resolveCameraSeal", () => {
  it("gives processes that start together on one DATA_DIR the same generated secret, in a 0600 file", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "camserver-seal-race-"));
    try {
      const seals = await Promise.all(Array.from({ length: 8 }, () => resolveCameraSeal(undefined, dataDir)));
      const sealed = seals[0]!.seal("s3cret");
      for (const s of seals) expect(s.open(sealed)).toBe("s3cret");
      expect((await stat(join(dataDir, "secret"))).mode & 0o777).toBe(0o600);
      expect((await readdir(dataDir)).sort()).toEqual(["secret"]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("prefers CAMSERVER_SECRET and writes no file then", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "camserver-seal-env-"));
    try {
      const secret = generateSecret();
      const seal = await resolveCameraSeal(secret, dataDir);
      expect(new PasswordSeal(secret).open(seal.seal("x"))).toBe("x");
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
