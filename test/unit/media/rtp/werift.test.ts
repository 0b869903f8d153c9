/**
 * camserver's packets against werift 0.25.2, the WebRTC stack that sends them to browsers:
 * werift's own RTP parser and H.264 depacketizer (H264RtpPayload) must reassemble identical NAL
 * units, and werift's own H264Packetizer must produce the same bytes for the same input.
 */
import { describe, expect, it } from "bun:test";
import { H264RtpPayload, RtpPacket, H264Packetizer as WeriftPacketizer } from "werift";
import type { AccessUnit } from "../../../../src/media/access-unit.ts";
import { splitAnnexB } from "../../../../src/media/annexb.ts";
import { H264Packetizer } from "../../../../src/media/rtp/h264-packetizer.ts";
import { rtpTimestamp } from "../../../../src/media/rtp/h264-rtp.ts";
import { hex } from "../fixtures.ts";
import { fixtureStreams, headerOf } from "./rtp-fixtures.ts";
import { nalBytes } from "../../../../src/media/nal-unit.ts";

/** werift's receive path: RtpPacket.deSerialize, then H264RtpPayload.deSerialize with the running fragment. */
function weriftReceive(packets: Uint8Array[]): { nalus: Uint8Array[]; ts: number }[] {
  const out: { nalus: Uint8Array[]; ts: number }[] = [];
  let fragment: Buffer | undefined;
  let annexB: Buffer[] = [];
  for (const p of packets) {
    const rtp = RtpPacket.deSerialize(Buffer.from(p));
    const h264 = H264RtpPayload.deSerialize(rtp.payload, fragment);
    fragment = h264.fragment;
    if (h264.payload) annexB.push(h264.payload);
    if (rtp.header.marker) {
      out.push({ nalus: splitAnnexB(Buffer.concat(annexB)), ts: rtp.header.timestamp });
      annexB = [];
    }
  }
  return out;
}

/** An access unit as AVCC (4-byte lengths), the input werift's packetizer takes unambiguously. */
function avcc(au: AccessUnit): Buffer {
  const parts: Buffer[] = [];
  for (const n of au.nalus) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(n.byteLength);
    parts.push(length, Buffer.from(nalBytes(n)));
  }
  return Buffer.concat(parts);
}

const STREAMS = fixtureStreams();

describe("werift 0.25.2 receiving camserver's packets", () => {
  for (const { file, aus } of STREAMS) {
    for (const mtu of [300, 1200]) {
      it(`reassembles every access unit of ${file} with identical NAL units at MTU ${mtu}`, () => {
        const p = new H264Packetizer({ mtu, initialSequenceNumber: 65530, ssrc: 42 });
        const packets = aus.map((a) => p.packetize(a));
        const got = weriftReceive(packets.flat());
        expect(got.map((g) => g.nalus)).toEqual(aus.map((a) => a.nalus.map(nalBytes)));
        expect(got.map((g) => g.ts)).toEqual(aus.map((a) => rtpTimestamp(a.pts)));
        for (const pk of packets.flat()) {
          const h = RtpPacket.deSerialize(Buffer.from(pk)).header;
          expect({ marker: h.marker, payloadType: h.payloadType, seq: h.sequenceNumber, ts: h.timestamp, ssrc: h.ssrc }).toEqual(headerOf(pk));
        }
      });
    }
  }
});

describe("werift 0.25.2's own H264Packetizer", () => {
  for (const { file, aus } of STREAMS) {
    for (const mtu of [100, 300, 1200]) {
      it(`produces byte for byte the packets camserver does for ${file} at MTU ${mtu} (STAP-A, single NAL, FU-A)`, () => {
        const ours = new H264Packetizer({ mtu, payloadType: 96, ssrc: 0x01020304, initialSequenceNumber: 65000 });
        const theirs = new WeriftPacketizer({ maxPayloadSize: mtu, payloadType: 96, ssrc: 0x01020304, sequenceNumber: 65000, inputFormat: "length-prefixed" });
        for (const au of aus) {
          const mine = ours.packetize(au).map((x) => Buffer.from(x).toString("hex"));
          const werift = theirs.packetize(avcc(au), rtpTimestamp(au.pts)).map((x) => x.serialize().toString("hex"));
          expect(mine).toEqual(werift);
        }
      });
    }
  }

  it("differs on an access unit that starts with an AUD: camserver drops it, werift sends it and no STAP-A", () => {
    const au: AccessUnit = { nalus: [hex("0910"), ...STREAMS[0]!.aus[0]!.nalus], dts: 0, pts: 0, isKeyframe: true };
    const mine = new H264Packetizer().packetize(au).map((x) => Buffer.from(x.subarray(12)));
    const werift = new WeriftPacketizer({ sequenceNumber: 0, inputFormat: "length-prefixed" }).packetize(avcc(au), 0).map((x) => x.payload);
    const types = (ps: Buffer[]) => ps.map((p) => p[0]! & 0x1f);
    expect(types(mine)).toEqual([24, 6, 28, 28, 28]);
    expect(types(werift)).toEqual([9, 7, 8, 6, 28, 28, 28]); // werift aggregates only parameter sets at the very front
    expect(werift.slice(3)).toEqual(mine.slice(1));
  });
});
