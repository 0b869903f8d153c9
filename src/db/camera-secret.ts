/**
 * CAMSERVER_SECRET, the key camera passwords are sealed under (src/db/password-seal.ts):
 * the configured one, else one generated once into `${DATA_DIR}/secret` (mode 0600) so that
 * restarts keep it. Hosts that share a MySQL database must share the secret: set it.
 */
import { randomUUID } from "node:crypto";
import { chmod, link, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { generateSecret, PasswordSeal } from "./password-seal.ts";

/** Path of the generated secret under `dataDir`. */
export function secretFile(dataDir: string): string {
  return `${dataDir}/secret`;
}

/**
 * The seal of camera passwords.
 * @throws SecretFormatError when the configured or stored secret is not 32 bytes
 */
export async function resolveCameraSeal(configured: string | undefined, dataDir: string): Promise<PasswordSeal> {
  if (configured) return new PasswordSeal(configured);
  const file = Bun.file(secretFile(dataDir));
  if (await file.exists()) return new PasswordSeal((await file.text()).trim());
  // An API and a worker starting together on one DATA_DIR must end up with one secret: the
  // first link wins, the other reads the winner's file.
  const tmp = `${secretFile(dataDir)}.${process.pid}.${randomUUID()}`;
  await writeSecretFile(dataDir, generateSecret(), tmp);
  try {
    await link(tmp, secretFile(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return new PasswordSeal((await Bun.file(secretFile(dataDir)).text()).trim());
}

/** Writes `secret` to `file` (default `${dataDir}/secret`) with mode 0600, replacing it at once (rename). */
export async function writeSecretFile(dataDir: string, secret: string, file = secretFile(dataDir)): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${secret}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
