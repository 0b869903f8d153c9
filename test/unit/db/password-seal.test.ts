import { describe, expect, it } from "bun:test";
import { generateSecret, isSealed, parseSecret, PasswordSeal, SealedPasswordError, SecretFormatError } from "../../../src/db/password-seal.ts";

// NIST SP 800-38D sizes: 96-bit IV (16 base64 characters), 128-bit tag (24).
const SEALED = /^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]*={0,2}$/;
const HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("parseSecret", () => {
  it("takes 64 hex digits and base64 or base64url of 32 bytes", () => {
    const bytes = Buffer.from(HEX, "hex");
    expect(parseSecret(HEX)).toEqual(new Uint8Array(bytes));
    expect(parseSecret(bytes.toString("base64"))).toEqual(new Uint8Array(bytes));
    expect(parseSecret(bytes.toString("base64url"))).toEqual(new Uint8Array(bytes));
  });

  for (const bad of ["", "short", HEX.slice(2), `${HEX}00`, Buffer.alloc(31).toString("base64"), Buffer.alloc(33).toString("base64"), "x".repeat(44)]) {
    it(`refuses "${bad.slice(0, 12)}..." (${bad.length} characters) without repeating it`, () => {
      let err: unknown;
      try {
        parseSecret(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SecretFormatError);
      expect((err as Error).message).toContain("CAMSERVER_SECRET");
      if (bad.length > 4) expect((err as Error).message).not.toContain(bad);
    });
  }

  it("generates 32 random bytes as hex", () => {
    const a = generateSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecret()).not.toBe(a);
  });
});

describe("PasswordSeal", () => {
  const seal = new PasswordSeal(HEX);

  it("round-trips passwords, empty and non-ASCII ones too", () => {
    for (const p of ["s3cret", "", "p@ss:word/?#", "пароль-密码-🔑", "x".repeat(200)]) {
      const sealed = seal.seal(p);
      expect(sealed).toMatch(SEALED);
      expect(sealed).not.toContain(p || "\u0000");
      expect(seal.open(sealed)).toBe(p);
    }
  });

  it("uses a new IV for every value", () => {
    const a = seal.seal("same");
    const b = seal.seal("same");
    expect(a).not.toBe(b);
    expect(a.split(":")[1]).not.toBe(b.split(":")[1]);
  });

  it("returns clear text from before sealing unchanged", () => {
    expect(isSealed("hunter2")).toBe(false);
    expect(seal.open("hunter2")).toBe("hunter2");
  });

  it("refuses a value sealed under another secret with an error naming CAMSERVER_SECRET", () => {
    const other = new PasswordSeal(generateSecret());
    expect(() => other.open(seal.seal("s3cret"), "camera c1's password")).toThrow(SealedPasswordError);
    expect(() => other.open(seal.seal("s3cret"))).toThrow(/CAMSERVER_SECRET/);
  });

  it("refuses a tampered ciphertext, tag or IV", () => {
    const sealed = seal.seal("s3cret");
    const [v, iv, tag, body] = sealed.split(":") as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0]! ^= 1;
      return bytes.toString("base64");
    };
    for (const bad of [
      [v, flip(iv), tag, body],
      [v, iv, flip(tag), body],
      [v, iv, tag, flip(body)],
      [v, iv, tag],
    ]) {
      expect(() => seal.open(bad.join(":"))).toThrow(SealedPasswordError);
    }
  });

  it("throws only SealedPasswordError for random v1: values", () => {
    for (let i = 0; i < 500; i++) {
      const junk = `v1:${Buffer.from(crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 60)))).toString("base64")}`;
      const parts = junk + (i % 2 ? `:${"A".repeat(22)}==:QUJD` : "");
      try {
        seal.open(parts);
      } catch (err) {
        expect(err).toBeInstanceOf(SealedPasswordError);
      }
    }
  });
});
