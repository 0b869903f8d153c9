import { describe, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { md5, md5Hex } from "../../../src/media/md5.ts";
import { prng } from "./fixtures.ts";

describe("md5 (RFC 1321)", () => {
  // RFC 1321 Appendix A.5, the test suite.
  const vectors: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
    ["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
  ];
  for (const [input, hex] of vectors) {
    it(`gives the RFC 1321 A.5 digest of "${input.slice(0, 20)}${input.length > 20 ? "..." : ""}"`, () => {
      expect(md5Hex(input)).toBe(hex);
    });
  }

  it("agrees with the platform MD5 at every padding boundary and on random input", () => {
    const rand = prng(1321);
    for (let n = 0; n < 200; n++) {
      const b = Uint8Array.from({ length: n < 140 ? n : Math.floor(rand() * 5000) }, () => Math.floor(rand() * 256));
      expect(Buffer.from(md5(b)).toString("hex")).toBe(createHash("md5").update(b).digest("hex"));
    }
  });

  it("hashes UTF-8 text as its bytes", () => {
    expect(md5Hex("pässwörd")).toBe(createHash("md5").update("pässwörd", "utf8").digest("hex"));
  });
});
