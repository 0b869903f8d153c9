import { describe, expect, it } from "bun:test";
import { MalformedHeaderError } from "../../../../src/media/rtsp/rtsp-errors.ts";
import { cseqOf, publicMethods, RtspHeaders } from "../../../../src/media/rtsp/rtsp-message.ts";
import { parseRtpInfo } from "../../../../src/media/rtsp/rtp-info-header.ts";
import { parseSession } from "../../../../src/media/rtsp/session-header.ts";
import { parseTransport } from "../../../../src/media/rtsp/transport-header.ts";
import { parseChallenges } from "../../../../src/media/rtsp/www-authenticate.ts";

describe("Session header (RFC 2326 §12.37)", () => {
  const cases: [string, string, string, number][] = [
    ["Hikvision, padded with spaces (androidx/media issue 357)", "      1299260789;timeout=60", "1299260789", 60],
    ["Axis GStreamer server (home-assistant/core issue 112824)", "kt6D2PGchRHkcd1b;timeout=60", "kt6D2PGchRHkcd1b", 60],
    ["no timeout means 60 s", "6E31D990", "6E31D990", 60],
    ["spaces around the parameter", "CE3A8D73 ; timeout = 64", "CE3A8D73", 64],
    ["a timeout that is no number falls back to 60", "285;timeout=abc", "285", 60],
    ["a zero timeout falls back to 60", "285;timeout=0", "285", 60],
  ];
  for (const [name, value, id, timeout] of cases) {
    it(`reads ${name}`, () => {
      expect(parseSession(value)).toEqual({ id, timeoutSeconds: timeout });
    });
  }

  it("refuses an empty session id", () => {
    expect(() => parseSession(" ;timeout=60")).toThrow(MalformedHeaderError);
  });
});

describe("Transport header (RFC 2326 §12.39)", () => {
  it("reads Dahua's ssrc padded with spaces (gortsplib transport tests)", () => {
    expect(parseTransport("RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF")).toEqual({
      profile: "RTP/AVP/TCP",
      tcp: true,
      interleaved: [0, 1],
      ssrc: 0xd93ff,
    });
  });

  it("reads Hikvision's UDP answer with a quoted mode (androidx/media issue 357)", () => {
    const t = parseTransport('RTP/AVP;unicast;client_port=36618-36619;server_port=8314-8315;ssrc=0cb32b85;mode="play"');
    expect(t).toEqual({ profile: "RTP/AVP", tcp: false, ssrc: 0x0cb32b85, serverPorts: [8314, 8315] });
  });

  it("reads the channels a server chose instead of the ones asked for (gortsplib issue 72)", () => {
    expect(parseTransport("RTP/AVP/TCP;unicast;interleaved=4-5").interleaved).toEqual([4, 5]);
    expect(parseTransport("RTP/AVP/TCP;interleaved=2").interleaved).toEqual([2, 3]);
  });

  it("takes the first of several transports and tolerates lower case", () => {
    expect(parseTransport("rtp/avp/tcp;unicast;interleaved=0-1, RTP/AVP;unicast;client_port=1-2").tcp).toBe(true);
  });

  it("refuses a transport that is not RTP/AVP or a bad channel range", () => {
    for (const v of ["RAW/RAW/UDP;unicast", "", "RTP/AVP/TCP;interleaved=300-301", "RTP/AVP/TCP;interleaved=a-b"]) {
      expect(() => parseTransport(v)).toThrow(MalformedHeaderError);
    }
  });
});

describe("RTP-Info header (RFC 2326 §12.33)", () => {
  it("reads Axis's two streams (gortsplib rtp_info tests)", () => {
    const v =
      "url=rtsp://10.13.146.53/axis-media/media.amp/trackID=1;seq=58477;rtptime=1020884293, url=rtsp://10.13.146.53/axis-media/media.amp/trackID=2;seq=15727;rtptime=1171661503";
    expect(parseRtpInfo(v)).toEqual([
      { url: "rtsp://10.13.146.53/axis-media/media.amp/trackID=1", seq: 58477, rtptime: 1020884293 },
      { url: "rtsp://10.13.146.53/axis-media/media.amp/trackID=2", seq: 15727, rtptime: 1171661503 },
    ]);
  });

  it("reads Reolink's entries without a space after the comma (AlexxIT/WebRTC issue 804)", () => {
    const v =
      "url=rtsp://20.0.0.12/h264Preview_01_sub/track1;seq=13667;rtptime=3514127739,url=rtsp://20.0.0.12/h264Preview_01_sub/track2;seq=43032;rtptime=2839015966";
    expect(parseRtpInfo(v).map((e) => e.seq)).toEqual([13667, 43032]);
  });

  it("keeps a Dahua-style URL with a query string whole", () => {
    const v = "url=rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/trackID=0;seq=1;rtptime=2";
    expect(parseRtpInfo(v)).toEqual([{ url: "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/trackID=0", seq: 1, rtptime: 2 }]);
  });

  it("leaves out numbers out of range and skips entries without url", () => {
    expect(parseRtpInfo("url=x;seq=70000;rtptime=4294967296, seq=1")).toEqual([{ url: "x" }]);
  });
});

describe("WWW-Authenticate challenges (RFC 7235 §4.1)", () => {
  it("reads Tapo's Basic and Digest fields (mediamtx issue 3116)", () => {
    const c = parseChallenges(['Basic realm="TP-LINK IP-Camera"', 'Digest realm="TP-LINK IP-Camera", nonce="6100befdab6f407276c35030a302430b"']);
    expect(c.map((x) => [x.scheme, Object.fromEntries(x.params)])).toEqual([
      ["basic", { realm: "TP-LINK IP-Camera" }],
      ["digest", { realm: "TP-LINK IP-Camera", nonce: "6100befdab6f407276c35030a302430b" }],
    ]);
  });

  it("reads two challenges in one field, a stale flag, escapes and unquoted values", () => {
    const c = parseChallenges(['Basic realm="a", Digest realm="Login to 4K01FD2PAJ6E3FF", nonce="n\\"1", stale=TRUE, algorithm=MD5, qop="auth,auth-int"']);
    expect(c.length).toBe(2);
    expect(Object.fromEntries(c[1]!.params)).toEqual({
      realm: "Login to 4K01FD2PAJ6E3FF",
      nonce: 'n"1',
      stale: "TRUE",
      algorithm: "MD5",
      qop: "auth,auth-int",
    });
  });

  it("returns nothing usable for text that is no challenge, without throwing", () => {
    for (const v of ["", "=", '"', "realm=x", ",,,"]) expect(() => parseChallenges([v])).not.toThrow();
  });
});

describe("CSeq and Public", () => {
  it("reads CSeq whatever the case of its name (go2rtc logs write Cseq)", () => {
    expect(cseqOf(new RtspHeaders([["Cseq", " 7 "]]))).toBe(7);
    expect(cseqOf(new RtspHeaders([["cseq", "x"]]))).toBeUndefined();
  });

  it("reads Public with a vendor method and several fields (Tapo MULTITRANS)", () => {
    const h = new RtspHeaders([
      ["Public", "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER, MULTITRANS"],
      ["public", "record"],
    ]);
    expect(publicMethods(h).has("GET_PARAMETER")).toBe(true);
    expect(publicMethods(h).has("RECORD")).toBe(true);
    expect(publicMethods(new RtspHeaders([["Public", "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE"]])).has("GET_PARAMETER")).toBe(false);
  });
});
