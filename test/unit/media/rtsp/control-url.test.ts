import { describe, expect, it } from "bun:test";
import { parseRtspUrl, resolveBaseUrl, resolveControl, stripCredentials } from "../../../../src/media/rtsp/control-url.ts";

describe("control URL resolution (RFC 2326 §C.1.1, gortsplib's rules)", () => {
  // [case, request URL, Content-Base, Content-Location, session a=control, media a=control, base, media URL]
  const cases: [string, string, string | undefined, string | undefined, string | undefined, string | undefined, string, string][] = [
    [
      "Tapo: Content-Base with slash, control * and track1 (scrypted issue 796)",
      "rtsp://10.0.0.110:554/stream1",
      "rtsp://10.0.0.110/stream1/",
      undefined,
      "*",
      "track1",
      "rtsp://10.0.0.110/stream1/",
      "rtsp://10.0.0.110/stream1/track1",
    ],
    [
      "Axis: Content-Base and trackID=1 (janus issue 849)",
      "rtsp://217.17.220.110/axis-media/media.amp",
      "rtsp://217.17.220.110/axis-media/media.amp/",
      undefined,
      "*",
      "trackID=1",
      "rtsp://217.17.220.110/axis-media/media.amp/",
      "rtsp://217.17.220.110/axis-media/media.amp/trackID=1",
    ],
    [
      "Dahua: a base with a query, control appended after it",
      "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0",
      "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/",
      undefined,
      "*",
      "trackID=0",
      "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/",
      "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/trackID=0",
    ],
    [
      "Reolink doorbell: a base ending in // (go2rtc issue 214)",
      "rtsp://192.168.40.20:554/",
      "rtsp://192.168.40.20//",
      undefined,
      "*",
      "track1",
      "rtsp://192.168.40.20//",
      "rtsp://192.168.40.20//track1",
    ],
    [
      "no Content-Base, no slash: one is inserted",
      "rtsp://cam/stream1",
      undefined,
      undefined,
      undefined,
      "trackID=1",
      "rtsp://cam/stream1",
      "rtsp://cam/stream1/trackID=1",
    ],
    [
      "Hikvision NVR: credentials in session and media control are removed (webrtc-streamer issue 138)",
      "rtsp://21m677n127.imwork.net:17970/h264/ch1/main/av_stream",
      "rtsp://admin:admin000@21m677n127.imwork.net:17970/h264/ch1/main/av_stream/",
      undefined,
      "rtsp://admin:admin000@21m677n127.imwork.net:17970/h264/ch1/main/av_stream/",
      "rtsp://admin:admin000@21m677n127.imwork.net:17970/h264/ch1/main/av_stream/trackID=1",
      "rtsp://21m677n127.imwork.net:17970/h264/ch1/main/av_stream/",
      "rtsp://21m677n127.imwork.net:17970/h264/ch1/main/av_stream/trackID=1",
    ],
    [
      "Uniview behind port forwarding: absolute LAN control on the connected host (go2rtc issue 1663)",
      "rtsp://203.0.113.9:10554/media/video1",
      undefined,
      undefined,
      undefined,
      "rtsp://10.0.0.1/media/video1/video",
      "rtsp://203.0.113.9:10554/media/video1",
      "rtsp://203.0.113.9:10554/media/video1/video",
    ],
    [
      "Bosch: absolute session control with a query (gortsplib issue 632)",
      "rtsp://10.100.14.102/?inst=2",
      undefined,
      undefined,
      "rtsp://10.100.14.102:554/?inst=2&h26x=4",
      "rtsp://10.100.14.102:554/?inst=2&h26x=4&stream=video",
      "rtsp://10.100.14.102/?inst=2&h26x=4",
      "rtsp://10.100.14.102/?inst=2&h26x=4&stream=video",
    ],
    [
      "icamra: Content-Base that is no URL is ignored (frigate issue 5954)",
      "rtsp://10.0.0.97:554/stream1",
      "rtsp://rtsp://10.0.0.97:554/stream1/",
      undefined,
      "*",
      "trackID=1",
      "rtsp://10.0.0.97:554/stream1",
      "rtsp://10.0.0.97:554/stream1/trackID=1",
    ],
    ["Content-Location relative to the request URL", "rtsp://cam/live", undefined, "sub/", undefined, "t1", "rtsp://cam/live/sub/", "rtsp://cam/live/sub/t1"],
    ["no media control: the base itself", "rtsp://cam/live", undefined, undefined, undefined, undefined, "rtsp://cam/live", "rtsp://cam/live"],
    ["a query-only control is appended as is", "rtsp://cam/live", undefined, undefined, undefined, "?track=1", "rtsp://cam/live", "rtsp://cam/live?track=1"],
  ];
  for (const [name, request, contentBase, contentLocation, sessionControl, control, base, media] of cases) {
    it(`resolves ${name}`, () => {
      const b = resolveBaseUrl({ requestUrl: request, contentBase, contentLocation, sessionControl });
      expect(b).toBe(base);
      expect(resolveControl(b, control)).toBe(media);
      expect(media).not.toContain("@");
    });
  }
});

describe("RTSP URLs", () => {
  it("splits host and port with the RTSP and RTSPS default ports", () => {
    expect(parseRtspUrl("rtsp://cam/x")).toMatchObject({ scheme: "rtsp", host: "cam", port: 554, rest: "/x" });
    expect(parseRtspUrl("RTSPS://[fe80::1]:8322/x?y")).toMatchObject({ scheme: "rtsps", host: "[fe80::1]", port: 8322, rest: "/x?y" });
    expect(parseRtspUrl("rtsps://cam")).toMatchObject({ port: 322, rest: "" });
  });

  it("removes credentials, a raw @ in the password included", () => {
    expect(stripCredentials("rtsp://admin:p@ss@10.0.0.5:554/stream1")).toBe("rtsp://10.0.0.5:554/stream1");
  });

  it("refuses what is not an RTSP URL", () => {
    for (const u of ["http://cam/x", "rtsp://", "rtsp://rtsp://x/", "rtsp://cam:99999/", "rtsp://ca m/", "/stream1"]) expect(parseRtspUrl(u)).toBeUndefined();
  });
});
