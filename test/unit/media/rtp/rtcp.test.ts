import { describe, expect, it } from "bun:test";
import { InvalidFieldError, TruncatedError } from "../../../../src/media/errors.ts";
import { buildReceiverReport } from "../../../../src/media/rtp/rtcp-receiver-report.ts";
import { readSenderReports } from "../../../../src/media/rtp/rtcp-sender-report.ts";
import { RtpReceiverStats } from "../../../../src/media/rtp/rtp-receiver-stats.ts";
import { hex, toHex } from "../fixtures.ts";

// A compound packet of the shape gst-rtsp-server sends on the RTCP channel: an SR without report blocks (RC=0)
// followed by SDES CNAME. Sender SSRC 0x12345678, NTP 0xe8a1b2c3.0x80000000, RTP ts 90000,
// 300 packets, 400000 octets. Built by hand from RFC 3550 §6.4.1 and §6.5.
const SR = "80c80006 12345678 e8a1b2c3 80000000 00015f90 0000012c 00061a80";
const SDES = "81ca0003 12345678 01046361 6d310000";

describe("RTCP sender reports (RFC 3550 §6.4.1)", () => {
  it("reads the SR of a compound packet and skips the SDES after it", () => {
    expect(readSenderReports(hex(SR + SDES))).toEqual([
      { ssrc: 0x12345678, ntpSeconds: 0xe8a1b2c3, ntpFraction: 0x80000000, rtpTimestamp: 90000, packetCount: 300, octetCount: 400000 },
    ]);
  });

  it("keeps the reports before a last packet that runs past the end (Hanwha QNV-8080R, gortsplib issue 5355)", () => {
    const b = hex(SR + SDES);
    expect(readSenderReports(b.subarray(0, b.length - 1)).length).toBe(1);
  });

  it("returns nothing for a receiver report and fails on a packet that is no RTCP", () => {
    expect(readSenderReports(buildReceiverReport(1))).toEqual([]);
    expect(() => readSenderReports(hex("00c8"))).toThrow(TruncatedError);
    expect(() => readSenderReports(hex("40c80000"))).toThrow(InvalidFieldError);
  });
});

describe("RTCP receiver reports (RFC 3550 §6.4.2)", () => {
  it("writes an empty RR before anything was received", () => {
    expect(toHex(buildReceiverReport(0xcafebabe))).toBe("80c90001cafebabe");
  });

  it("writes one report block byte for byte", () => {
    const rr = buildReceiverReport(0xcafebabe, {
      ssrc: 0x12345678,
      fractionLost: 64,
      cumulativeLost: -2,
      extendedHighestSequence: 0x1fffe,
      jitter: 45,
      lastSenderReport: 0xb2c38000,
      delaySinceLastSenderReport: 0x18000,
    });
    expect(toHex(rr)).toBe("81c90007cafebabe1234567840fffffe0001fffe0000002db2c3800000018000");
  });

  it("refuses a field out of range", () => {
    expect(() => buildReceiverReport(-1)).toThrow(InvalidFieldError);
    expect(() =>
      buildReceiverReport(1, {
        ssrc: 1,
        fractionLost: 256,
        cumulativeLost: 0,
        extendedHighestSequence: 0,
        jitter: 0,
        lastSenderReport: 0,
        delaySinceLastSenderReport: 0,
      }),
    ).toThrow(InvalidFieldError);
  });
});

describe("RtpReceiverStats (RFC 3550 A.1, A.3, A.8)", () => {
  it("counts loss and the extended sequence number across the 16-bit wrap", () => {
    const s = new RtpReceiverStats(90000);
    let t = 0;
    for (const seq of [65530, 65531, 65533, 65534, 65535, 0, 1, 3]) s.onPacket(7, seq, (t += 3000), t / 90);
    const b = s.reportBlock(1000)!;
    expect(b).toMatchObject({ ssrc: 7, extendedHighestSequence: 65536 + 3, cumulativeLost: 2, fractionLost: Math.floor((2 * 256) / 10) });
    expect(b.jitter).toBe(0); // packets arrived exactly on their timestamps
    expect(s.reportBlock(2000)!.fractionLost).toBe(0); // nothing new lost in this interval
  });

  it("measures jitter from arrival times against RTP timestamps", () => {
    const s = new RtpReceiverStats(90000);
    for (let i = 0; i < 200; i++) s.onPacket(1, i, i * 3000, i * (1000 / 30) + (i % 2 ? 10 : 0));
    const j = s.reportBlock(10_000)!.jitter;
    expect(j).toBeGreaterThan(800); // 10 ms of alternating delay = 900 ticks
    expect(j).toBeLessThan(1000);
  });

  it("puts LSR and DLSR from the last sender report into the block", () => {
    const s = new RtpReceiverStats(90000);
    s.onPacket(1, 1, 0, 0);
    s.onSenderReport(readSenderReports(hex(SR))[0]!, 1000);
    const b = s.reportBlock(1500)!;
    expect(b.lastSenderReport).toBe(0xb2c38000);
    expect(b.delaySinceLastSenderReport).toBe(32768); // 0.5 s in 1/65536 s
  });

  it("starts again when the SSRC changes", () => {
    const s = new RtpReceiverStats(90000);
    s.onPacket(1, 100, 0, 0);
    s.onPacket(2, 5, 0, 0);
    expect(s.reportBlock(0)).toMatchObject({ ssrc: 2, extendedHighestSequence: 5, cumulativeLost: 0 });
    expect(new RtpReceiverStats(90000).reportBlock(0)).toBeUndefined();
  });
});
