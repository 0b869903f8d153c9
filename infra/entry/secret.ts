/**
 * `bun run secret rotate [--new-secret SECRET]`: re-seals every camera password in
 * camserver's database (DATABASE_URL, or SQLite under DATA_DIR) under a new CAMSERVER_SECRET,
 * given (32 bytes, hex or base64) or generated, and writes it to `$DATA_DIR/secret` (0600).
 * Clear-text passwords from before sealing are sealed too. Stop camserver first; when
 * CAMSERVER_SECRET is set in the environment, set it to the new secret before restarting.
 * Exit 2 on a usage error, 1 when a password does not open under the current secret
 * (then nothing is changed).
 */
import { rename, rm } from "node:fs/promises";
import { resolveCameraSeal, secretFile, writeSecretFile } from "../../src/db/camera-secret.ts";
import { CamerasRepository } from "../../src/db/cameras-repository.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { generateSecret, PasswordSeal, SecretFormatError } from "../../src/db/password-seal.ts";
import { DomainError } from "../../src/errors.ts";
import { configOrExit } from "../../src/lifecycle.ts";

const USAGE = "usage: bun run secret rotate [--new-secret SECRET]";

function fail(message: string, code = 2): never {
  console.error(`camserver secret: ${message}`);
  process.exit(code);
}

const [command, ...args] = process.argv.slice(2);
if (command !== "rotate") fail(USAGE);
const i = args.indexOf("--new-secret");
const given = i >= 0 ? (args[i + 1] ?? fail(USAGE)) : undefined;
const nextSecret = given ?? generateSecret();
let next: PasswordSeal;
try {
  next = new PasswordSeal(nextSecret);
} catch (err) {
  if (err instanceof SecretFormatError) fail("--new-secret must be 32 bytes, as 64 hex digits or base64");
  throw err;
}
const config = configOrExit();
const current = await resolveCameraSeal(config.cameraSecret, config.dataDir);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
// The new secret is on disk before any password is sealed under it, and replaces the old
// file only once every password is.
const staged = `${config.dataDir}/secret.next`;
await writeSecretFile(config.dataDir, nextSecret, staged);
try {
  const count = await new CamerasRepository(database.db, { seal: current }).reseal(next);
  await rename(staged, secretFile(config.dataDir));
  console.log(`re-sealed ${count} camera password(s); the new secret is in ${secretFile(config.dataDir)}`);
  if (config.cameraSecret) console.log("CAMSERVER_SECRET is set: set it to the new secret before restarting camserver");
} catch (err) {
  await rm(staged, { force: true });
  if (err instanceof DomainError) fail(err.message, 1);
  throw err;
} finally {
  await database.close();
}
