/**
 * Random, mutated and truncated input for every parser of the RTSP layer and the RTP access
 * unit assembler: whatever the bytes, only a MediaError may be thrown, nothing loops, and what
 * the stream parser buffers stays under its limits. Seeded, so a failure replays.
 */
import { describe, expect, it } from "bun:test";
import { decodeBase64 } from "../../../../src/media/base64.ts";
import { H264AccessUnitAssembler } from "../../../../src/media/rtp/h264-au-assembler.ts";
import { H264Packetizer } from "../../../../src/media/rtp/h264-packetizer.ts";
import { readSenderReports } from "../../../../src/media/rtp/rtcp-sender-report.ts";
import { parseRtspUrl, resolveBaseUrl, resolveControl } from "../../../../src/media/rtsp/control-url.ts";
import { parseParams } from "../../../../src/media/rtsp/header-params.ts";
import { RtspAuthenticator } from "../../../../src/media/rtsp/rtsp-auth.ts";
import { RtspStreamParser } from "../../../../src/media/rtsp/rtsp-stream-parser.ts";
import { parseRtpInfo } from "../../../../src/media/rtsp/rtp-info-header.ts";
import { parseSdp } from "../../../../src/media/rtsp/sdp.ts";
import { parseSession } from "../../../../src/media/rtsp/session-header.ts";
import { parseTransport } from "../../../../src/media/rtsp/transport-header.ts";
import { findVideoTrack } from "../../../../src/media/rtsp/video-track.ts";
import { parseChallenges } from "../../../../src/media/rtsp/www-authenticate.ts";
import { onlyMediaErrors, prng, randomChunks } from "../fixtures.ts";
import { fixtureStreams } from "../rtp/rtp-fixtures.ts";
import { RESPONSES, SDPS } from "./dialects.ts";

const rand = prng(2326);
const int = (n: number) => Math.floor(rand() * n);
const enc = new TextEncoder();
const ALPHABET = 'RTSP/1.0 200OK\r\n:;=,"$\\\0 abcDEFxyz-_*?/@0123456789\t';

function randomBytes(max: number): Uint8Array {
  const b = new Uint8Array(int(max + 1));
  for (let i = 0; i < b.length; i++) b[i] = rand() < 0.5 ? ALPHABET.charCodeAt(int(ALPHABET.length)) : int(256);
  return b;
}

function randomText(max: number): string {
  let s = "";
  for (let i = int(max + 1); i > 0; i--) s += ALPHABET[int(ALPHABET.length)];
  return s;
}

function mutate(src: Uint8Array): Uint8Array {
  const b = src.slice(0, rand() < 0.3 ? int(src.length + 1) : src.length);
  for (let k = 1 + int(6); k > 0 && b.length > 0; k--) b[int(b.length)] = rand() < 0.5 ? ALPHABET.charCodeAt(int(ALPHABET.length)) : int(256);
  return b;
}

const mutateText = (s: string) => new TextDecoder().decode(mutate(enc.encode(s)));

describe("fuzzing the RTSP layer", () => {
  it("parses 3000 random and mutated connection streams, in random chunks, with only MediaError thrown and bounded buffering", () => {
    const dialectStream = enc.encode(RESPONSES.map((r) => r.text).join("$\u0000\u0000\u0004abcd"));
    for (let i = 0; i < 3000; i++) {
      const input = i % 3 === 0 ? randomBytes(3000) : mutate(dialectStream);
      const p = new RtspStreamParser();
      onlyMediaErrors(() => {
        for (const c of randomChunks(input, rand, 700)) {
          p.push(c);
          expect(p.buffered).toBeLessThanOrEqual(65536 + 8192 + 700);
        }
      });
    }
  });

  it("parses 3000 random and mutated header values without throwing anything but MediaError", () => {
    const seeds = [
      "      1299260789;timeout=60",
      "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF",
      "url=rtsp://a/b;seq=1;rtptime=2,url=rtsp://a/c;seq=3",
      'Digest realm="x", nonce="y", qop="auth", stale=TRUE',
    ];
    for (let i = 0; i < 3000; i++) {
      const v = i % 2 ? randomText(120) : mutateText(seeds[i % seeds.length]!);
      onlyMediaErrors(() => parseSession(v));
      onlyMediaErrors(() => parseTransport(v));
      onlyMediaErrors(() => parseRtpInfo(v));
      onlyMediaErrors(() => parseParams(v, ";"));
      onlyMediaErrors(() => {
        const challenges = parseChallenges([v]);
        new RtspAuthenticator(challenges, { username: "u", password: "p" }, () => "c").authorize("DESCRIBE", "rtsp://h/");
      });
    }
  });

  it("parses 3000 random and mutated SDPs and URLs without throwing anything but MediaError", () => {
    const sdps = Object.values(SDPS);
    for (let i = 0; i < 3000; i++) {
      const text = i % 4 === 0 ? randomText(800) : mutateText(sdps[i % sdps.length]!);
      onlyMediaErrors(() => findVideoTrack(parseSdp(text)));
      const url = i % 2 ? randomText(60) : mutateText("rtsp://admin:pw@10.0.0.1:554/cam/realmonitor?channel=1&subtype=0");
      onlyMediaErrors(() => parseRtspUrl(url));
      onlyMediaErrors(() => resolveControl(resolveBaseUrl({ requestUrl: "rtsp://cam/x", contentBase: url, sessionControl: randomText(20) }), url));
      onlyMediaErrors(() => decodeBase64(randomText(40)));
    }
  });

  it("reads 3000 random RTCP packets with only MediaError thrown", () => {
    for (let i = 0; i < 3000; i++) {
      const b = randomBytes(120);
      if (rand() < 0.5 && b.length > 0) b[0] = 0x80 | (b[0]! & 0x3f);
      onlyMediaErrors(() => readSenderReports(b));
    }
  });
});

describe("fuzzing the RTP access unit assembler", () => {
  const packets = fixtureStreams().flatMap(({ aus }) => aus.flatMap((au) => new H264Packetizer({ mtu: 200 }).packetize(au)));

  it("takes 20000 random, mutated, reordered and truncated packets and never throws", () => {
    const a = new H264AccessUnitAssembler({ maxAccessUnitBytes: 64 * 1024 });
    let errors = 0;
    for (let i = 0; i < 20000; i++) {
      const r = rand();
      const p = r < 0.2 ? randomBytes(300) : r < 0.6 ? mutate(packets[int(packets.length)]!) : packets[int(packets.length)]!;
      const out = a.push(p);
      if (out.error) errors++;
      for (const au of out.units) expect(au.nalus.length).toBeGreaterThan(0);
    }
    expect(errors).toBeGreaterThan(0);
  });
});
