import { describe, expect, it } from "bun:test";
import { decodeBase64, encodeBase64 } from "../../../src/media/base64.ts";
import { InvalidFieldError } from "../../../src/media/errors.ts";
import { prng } from "./fixtures.ts";

describe("base64 (RFC 4648)", () => {
  it("gives the RFC 4648 §10 test vectors", () => {
    const v: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, b64] of v) {
      expect(encodeBase64(new TextEncoder().encode(plain))).toBe(b64);
      expect(new TextDecoder().decode(decodeBase64(b64))).toBe(plain);
    }
  });

  it("round-trips random bytes and agrees with the platform", () => {
    const rand = prng(4648);
    for (let i = 0; i < 300; i++) {
      const b = Uint8Array.from({ length: Math.floor(rand() * 100) }, () => Math.floor(rand() * 256));
      expect(encodeBase64(b)).toBe(Buffer.from(b).toString("base64"));
      expect(decodeBase64(encodeBase64(b))).toEqual(b);
    }
  });

  it("reads sprop values as cameras write them: unpadded, with spaces, URL-safe letters", () => {
    expect(decodeBase64("aO48gA")).toEqual(Uint8Array.of(0x68, 0xee, 0x3c, 0x80));
    expect(decodeBase64(" aO48 gA== ")).toEqual(Uint8Array.of(0x68, 0xee, 0x3c, 0x80));
    expect(decodeBase64("-_8")).toEqual(decodeBase64("+/8"));
  });

  it("refuses characters outside the alphabet and an impossible length", () => {
    expect(() => decodeBase64("ab*d")).toThrow(InvalidFieldError);
    expect(() => decodeBase64("abcde")).toThrow(InvalidFieldError);
  });
});
