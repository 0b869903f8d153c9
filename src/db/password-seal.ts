/**
 * Camera passwords sealed at rest with AES-256-GCM (NIST SP 800-38D) under CAMSERVER_SECRET:
 * a fresh random 96-bit IV per value, the 128-bit tag kept, stored as
 * `v1:<iv>:<tag>:<ciphertext>` (each part base64). Values without the `v1:` prefix are
 * clear text from before sealing; they still open and are sealed on their next write.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DomainError } from "../errors.ts";

const PREFIX = "v1:";
const SEALED = /^v1:([A-Za-z0-9+/]{16}):([A-Za-z0-9+/]{22}==):([A-Za-z0-9+/]*={0,2})$/;

/** CAMSERVER_SECRET is not 32 bytes in hex or base64. */
export class SecretFormatError extends Error {
  constructor() {
    super("invalid CAMSERVER_SECRET: must be 32 bytes, as 64 hex digits or base64");
    this.name = new.target.name;
  }
}

/** A stored password does not open under this CAMSERVER_SECRET (another secret, or damaged). HTTP 500. */
export class SealedPasswordError extends DomainError {
  override readonly status = 500;
}

/**
 * Parses CAMSERVER_SECRET: 64 hex digits, or base64/base64url of 32 bytes.
 * @throws SecretFormatError (the message never repeats the value)
 */
export function parseSecret(raw: string): Uint8Array {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(text))) throw new SecretFormatError();
  return new Uint8Array(key);
}

/** A new random secret, 32 bytes as 64 hex digits. */
export function generateSecret(): string {
  return randomBytes(32).toString("hex");
}

/** Whether a stored value is sealed (else it is clear text from before sealing). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Seals and opens camera passwords under one 32-byte key. */
export class PasswordSeal {
  readonly #key: Uint8Array;

  /** @param secret CAMSERVER_SECRET as {@link parseSecret} takes it. @throws SecretFormatError */
  constructor(secret: string) {
    this.#key = parseSecret(secret);
  }

  /** `v1:<iv>:<tag>:<ciphertext>` of `password`; a new IV every call. */
  seal(password: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([cipher.update(password, "utf8"), cipher.final()]);
    return `${PREFIX}${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${body.toString("base64")}`;
  }

  /**
   * The password of a stored value; clear text (no `v1:` prefix) comes back unchanged.
   * @throws SealedPasswordError naming CAMSERVER_SECRET when the value does not open
   */
  open(stored: string, what = "camera password"): string {
    if (!isSealed(stored)) return stored;
    const m = SEALED.exec(stored);
    const fail = () =>
      new SealedPasswordError(
        `${what} does not open: it was sealed under another CAMSERVER_SECRET, or is damaged; set that secret or enter the password again`,
      );
    if (!m) throw fail();
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(m[1]!, "base64"));
      decipher.setAuthTag(Buffer.from(m[2]!, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(m[3]!, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw fail();
    }
  }
}
