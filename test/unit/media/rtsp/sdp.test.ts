import { describe, expect, it } from "bun:test";
import { SdpError } from "../../../../src/media/rtsp/rtsp-errors.ts";
import { parseSdp } from "../../../../src/media/rtsp/sdp.ts";
import { findVideoTrack, parseSpropParameterSets } from "../../../../src/media/rtsp/video-track.ts";
import { SDP_SOURCES, SDPS } from "./dialects.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("SDP (RFC 8866) video tracks of real cameras", () => {
  const expected: Record<keyof typeof SDPS, object> = {
    tpLinkH265: { codec: "h265", payloadType: 96, encoding: "H265", control: "track1" },
    hikvisionNvr: {
      codec: "h264",
      payloadType: 96,
      clockRate: 90000,
      packetizationMode: 1,
      profileLevelId: "420029",
      spsHex: "674d001f9da814016e9b808080a000000300200000065080",
      ppsHex: "68ee3c80",
    },
    reolinkDoorbell: {
      codec: "h264",
      payloadType: 96,
      packetizationMode: 1,
      profileLevelId: "640033",
      control: "track1",
      spsHex: "67640033ac1514a02800f190",
      ppsHex: "68ee3cb0",
    },
    axis: {
      codec: "h264",
      payloadType: 96,
      control: "trackID=1",
      profileLevelId: "420029",
      spsHex: "67420029e2900a00cb602dc040406907891150",
      ppsHex: "68ce3c80",
    },
    uniview: { codec: "h264", payloadType: 105, control: "rtsp://10.0.0.1/media/video1/video", profileLevelId: "640028", ppsHex: "68ea8f2c" },
    bosch: {
      codec: "h264",
      payloadType: 35,
      control: "rtsp://10.100.14.102:554/?inst=2&h26x=4&stream=video",
      spsHex: "674d40298d8d603c0113f2e02dc0434040 80".replace(" ", ""),
      ppsHex: "68ee3880",
    },
    icamra: { codec: "h264", payloadType: 96, packetizationMode: 0, profileLevelId: "4d0016", control: "trackID=1" },
  };
  for (const key of Object.keys(SDPS) as (keyof typeof SDPS)[]) {
    it(`finds the video track of ${SDP_SOURCES[key]}`, () => {
      const t = findVideoTrack(parseSdp(SDPS[key]))!;
      const view = t.codec === "h264" ? { ...t, spsHex: hex(t.sps[0]!), ppsHex: hex(t.pps[0]!) } : t;
      expect(view).toMatchObject(expected[key]);
    });
  }

  it("reads the session-level control (Bosch, Hikvision NVR) apart from the media ones", () => {
    expect(parseSdp(SDPS.bosch).control).toBe("rtsp://10.100.14.102:554/?inst=2&h26x=4");
    expect(parseSdp(SDPS.axis).control).toBe("*");
    expect(parseSdp(SDPS.uniview).control).toBeUndefined();
  });

  it("ignores audio and application sections and lists them as media", () => {
    const sdp = parseSdp(SDPS.tpLinkH265);
    expect(sdp.media.map((m) => m.type)).toEqual(["video", "audio", "application/tp-link"]);
    expect(sdp.media[1]!.rtpmap.get(8)).toEqual({ encoding: "PCMA", clockRate: 8000 });
  });

  it("picks H.264 over another codec in the same or a later video section", () => {
    const sdp = parseSdp("v=0\r\nm=video 0 RTP/AVP 26 97\r\na=rtpmap:97 H264/90000\r\nm=video 0 RTP/AVP 98\r\na=rtpmap:98 H265/90000\r\n");
    expect(findVideoTrack(sdp)).toMatchObject({ codec: "h264", payloadType: 97, packetizationMode: 0, sps: [], pps: [] });
  });

  it("says other for a video codec it does not know, and nothing for an SDP without video", () => {
    expect(findVideoTrack(parseSdp("v=0\nm=video 0 RTP/AVP 26\n"))).toMatchObject({ codec: "other", payloadType: 26, encoding: "" });
    expect(findVideoTrack(parseSdp("v=0\nm=audio 0 RTP/AVP 0\n"))).toBeUndefined();
  });

  it("reads a clock rate other than 90 kHz as given", () => {
    expect(findVideoTrack(parseSdp("m=video 0 RTP/AVP 96\na=rtpmap:96 h264/1000\n"))).toMatchObject({ clockRate: 1000 });
  });

  it("fails on a body with no media section at all", () => {
    expect(() => parseSdp("")).toThrow(SdpError);
    expect(() => parseSdp("<html>404</html>")).toThrow(SdpError);
  });
});

describe("sprop-parameter-sets (RFC 6184 §8.1)", () => {
  it("sorts SPS and PPS by NAL unit type and skips broken or empty entries", () => {
    const { sps, pps } = parseSpropParameterSets("aO48gA==,Z00AH52oFAFum4CAgKAAAAMAIAAABlCA,,!!!,BgU=");
    expect(sps.map(hex)).toEqual(["674d001f9da814016e9b808080a000000300200000065080"]);
    expect(pps.map(hex)).toEqual(["68ee3c80"]);
  });

  it("reads mediamtx issue 861's empty sprop-parameter-sets= as none", () => {
    expect(
      findVideoTrack(
        parseSdp("m=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1; sprop-parameter-sets=; profile-level-id=42e01f\n"),
      ),
    ).toMatchObject({ sps: [], pps: [], profileLevelId: "42e01f" });
  });
});
