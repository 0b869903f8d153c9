import { describe, expect, it } from "bun:test";
import { InvalidFieldError, TruncatedError } from "../../../../src/media/errors.ts";
import { type RtpHeader, readRtpPacket, rewriteRtpHeader, writeRtpHeader } from "../../../../src/media/rtp/rtp-header.ts";
import { hex, toHex } from "../fixtures.ts";

/** Headers and their 12 bytes, laid out by hand from RFC 3550 §5.1 Figure 1. */
const HEADERS: { name: string; h: RtpHeader; bytes: string }[] = [
  { name: "all zero but the version", h: { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0 }, bytes: "80000000 00000000 00000000" },
  {
    name: "H.264 on PT 96 with the marker",
    h: { marker: true, payloadType: 96, sequenceNumber: 1000, timestamp: 3000, ssrc: 0x11223344 },
    bytes: "80e003e8 00000bb8 11223344",
  },
  {
    name: "every field at its maximum",
    h: { marker: true, payloadType: 127, sequenceNumber: 65535, timestamp: 0xffffffff, ssrc: 0xffffffff },
    bytes: "80ffffff ffffffff ffffffff",
  },
  {
    name: "a timestamp with the top bit set",
    h: { marker: false, payloadType: 102, sequenceNumber: 0x1234, timestamp: 0x89abcdef, ssrc: 0xdeadbeef },
    bytes: "80661234 89abcdef deadbeef",
  },
];

describe("writeRtpHeader and readRtpPacket", () => {
  for (const c of HEADERS) {
    it(`writes ${c.name} as the bytes of RFC 3550 §5.1 and reads them back`, () => {
      const p = new Uint8Array(14);
      p.set([0xab, 0xcd], 12);
      writeRtpHeader(p, c.h);
      expect(toHex(p.subarray(0, 12))).toBe(c.bytes.replace(/ /g, ""));
      const { payload, ...h } = readRtpPacket(p);
      expect(h).toEqual(c.h);
      expect(toHex(payload)).toBe("abcd");
    });
  }

  it("writes at an offset", () => {
    const p = new Uint8Array(16);
    writeRtpHeader(p, HEADERS[1]!.h, 4);
    expect(toHex(p)).toBe("0000000080e003e800000bb811223344");
  });

  it("skips the CSRC list, the header extension and the padding to find the payload", () => {
    // V=2 P=1 X=1 CC=2, M=1 PT=96; 2 CSRCs; extension 0xbede with 1 word; payload 65 88; 3 bytes of padding.
    const p = hex("b2e00001 00000064 00000005 0000000a 0000000b bede0001 10ff0000 6588 000003");
    const got = readRtpPacket(p);
    expect(got).toMatchObject({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 100, ssrc: 5 });
    expect(toHex(got.payload)).toBe("6588");
  });

  const BAD: { name: string; bytes: string; error: typeof TruncatedError | typeof InvalidFieldError }[] = [
    { name: "11 bytes", bytes: "80600000 00000000 000000", error: TruncatedError },
    { name: "version 1", bytes: "40600000 00000000 00000000 65", error: InvalidFieldError },
    { name: "version 0 (a STUN or DTLS packet)", bytes: "00010000 2112a442 00000000", error: InvalidFieldError },
    { name: "a CSRC count past the end", bytes: "83600000 00000000 00000000 00000001", error: TruncatedError },
    { name: "an extension header past the end", bytes: "90600000 00000000 00000000 bede", error: TruncatedError },
    { name: "an extension length past the end", bytes: "90600000 00000000 00000000 bede0002 00000000", error: TruncatedError },
    { name: "a padding count of 0", bytes: "a0600000 00000000 00000000 6500", error: InvalidFieldError },
    { name: "a padding count larger than the payload", bytes: "a0600000 00000000 00000000 6503", error: InvalidFieldError },
  ];
  for (const c of BAD) {
    it(`rejects ${c.name} with ${c.error.name}`, () => {
      expect(() => readRtpPacket(hex(c.bytes))).toThrow(c.error);
    });
  }
});

describe("rewriteRtpHeader", () => {
  const shared = hex("80e003e8 00000bb8 11223344 7c85aabb");

  it("gives one viewer its own payload type and SSRC in a copy, leaving the shared packet as it was", () => {
    const before = toHex(shared);
    const mine = rewriteRtpHeader(shared, { payloadType: 102, ssrc: 0xcafebabe });
    expect(toHex(mine)).toBe("80e603e800000bb8cafebabe7c85aabb");
    expect(toHex(shared)).toBe(before);
    expect(mine.buffer).not.toBe(shared.buffer);
  });

  it("replaces sequence number and timestamp and keeps the marker bit", () => {
    const mine = rewriteRtpHeader(shared, { sequenceNumber: 65535, timestamp: 0xfffffff0 });
    expect(readRtpPacket(mine)).toMatchObject({ marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0x11223344 });
  });

  const BAD_FIELDS = [{ payloadType: 128 }, { payloadType: -1 }, { sequenceNumber: 65536 }, { timestamp: 2 ** 32 }, { ssrc: 1.5 }];
  for (const f of BAD_FIELDS) {
    it(`rejects ${JSON.stringify(f)} with InvalidFieldError`, () => {
      expect(() => rewriteRtpHeader(shared, f)).toThrow(InvalidFieldError);
    });
  }

  it("rejects a packet shorter than a header with TruncatedError", () => {
    expect(() => rewriteRtpHeader(hex("8060"), { ssrc: 1 })).toThrow(TruncatedError);
  });
});
