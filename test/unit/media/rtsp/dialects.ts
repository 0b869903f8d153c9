/**
 * RTSP exchanges of real cameras, as their users posted them in public bug reports (found with
 * the search of issue trackers). Each case names its tracker and thread. Only the server's side
 * is kept, with CRLF line ends restored where the log lost them (RTSP requires CRLF; several
 * cases are also tried with bare LF). Addresses and nonces are as posted.
 */

/** One server message and what a client must read from it. */
export interface DialectResponse {
  readonly name: string;
  readonly source: string;
  /** The server's message, CRLF line ends, body included. */
  readonly text: string;
  readonly status: number;
  /** Header fields to check: name -> value (trimmed). */
  readonly headers: Record<string, string>;
}

const crlf = (lines: string[]) => `${lines.join("\r\n")}\r\n`;
const withBody = (head: string[], body: string) => `${crlf([...head, `Content-Length: ${body.length}`, ""])}${body}`;

/** SDP bodies, CRLF, as cameras sent them. */
export const SDPS = {
  tpLinkH265: crlf([
    "v=0",
    "o=- 14665860 31787219 1 IN IP4 192.168.4.226",
    's=Session streamed by "TP-LINK RTSP Server"',
    "t=0 0",
    "m=video 0 RTP/AVP 96",
    "c=IN IP4 0.0.0.0",
    "b=AS:4096",
    "a=range:npt=0-",
    "a=control:track1",
    "a=rtpmap:96 H265/90000",
    "a=fmtp:96 profile-space=0;profile-id=1;tier-flag=0;level-id=150;interop-constraints=000000000000;sprop-vps=QAEMAf//AWAAAAMAAAMAAAMAAAMAlqwJ;sprop-sps=QgEBAWAAAAMAAAMAAAMAAAMAlqABICAFEWNrkkya5ZwCAAADAAIAAAMAHhA=;sprop-pps=RAHgdrAmQA==",
    "m=audio 0 RTP/AVP 8",
    "a=rtpmap:8 PCMA/8000",
    "a=control:track2",
    "m=application/TP-LINK 0 RTP/AVP smart/1/90000",
    "a=rtpmap:95 TP-LINK/90000",
    "a=control:track3",
  ]),
  hikvisionNvr: crlf([
    "v=0",
    "o=- 1534930022996637 1534930022996637 IN IP4 192.168.1.4",
    "s=Media Presentation",
    "e=NONE",
    "b=AS:5050",
    "t=0 0",
    "a=control:rtsp://admin:admin000@21m677n127.imwork.net:17970/h264/ch1/main/av_stream/",
    "m=video 0 RTP/AVP 96",
    "c=IN IP4 0.0.0.0",
    "b=AS:5000",
    "a=recvonly",
    "a=x-dimensions:1280,720",
    "a=control:rtsp://admin:admin000@21m677n127.imwork.net:17970/h264/ch1/main/av_stream/trackID=1",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AH52oFAFum4CAgKAAAAMAIAAABlCA,aO48gA==",
  ]),
  reolinkDoorbell: crlf([
    "v=0",
    "o=- 1674668428057855 1 IN IP4 192.168.40.20",
    's=Session streamed by "preview"',
    "i=",
    "t=0 0",
    "a=tool:LIVE555 Streaming Media v2020.08.12",
    "a=type:broadcast",
    "",
    "      ",
    "a=control:*",
    "a=range:npt=0-",
    'a=x-qt-text-nam:Session streamed by "preview"',
    "a=x-qt-text-inf:",
    "m=video 0 RTP/AVP 96",
    "c=IN IP4 0.0.0.0",
    "b=AS:8192",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1;profile-level-id=640033;sprop-parameter-sets=Z2QAM6wVFKAoAPGQ,aO48sA==",
    "a=control:track1",
    "m=audio 0 RTP/AVP 97",
    "c=IN IP4 0.0.0.0",
    "b=AS:8192",
    "a=rtpmap:97 MPEG4-GENERIC/16000",
    "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1408",
    "a=control:track2",
  ]),
  axis: crlf([
    "v=0",
    "o=- 1491517855921810 1491517855921810 IN IP4 217.17.220.110",
    "s=Media Presentation",
    "e=NONE",
    "b=AS:50000",
    "t=0 0",
    "a=control:*",
    "a=range:npt=0.000000-",
    "m=video 0 RTP/AVP 96",
    "c=IN IP4 0.0.0.0",
    "b=AS:50000",
    "a=framerate:30.0",
    "a=transform:-1,0,0;0,-1,0;0,0,1",
    "a=control:trackID=1",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1; profile-level-id=420029; sprop-parameter-sets=Z0IAKeKQCgDLYC3AQEBpB4kRUA==,aM48gA==",
  ]),
  uniview: crlf([
    "v=0",
    "o=- 1001 1 IN ",
    "s=VCP IPC Realtime stream",
    "m=video 0 RTP/AVP 105",
    "c=IN ",
    "a=control:rtsp://10.0.0.1/media/video1/video",
    "a=rtpmap:105 H264/90000",
    "a=fmtp:105 profile-level-id=640028; packetization-mode=1; sprop-parameter-sets=Z2QAKKw7UDwBE/LCAAAH0AAA6mEI,aOqPLA==",
    "a=recvonly",
    "m=application 0 RTP/AVP 107",
    "c=IN ",
    "a=control:rtsp://10.0.0.1/media/video1/metadata",
    "a=rtpmap:107 vnd.onvif.metadata/90000",
    "a=fmtp:107 DecoderTag=h3c-v3 RTCP=0",
    "a=recvonly",
  ]),
  bosch: [
    "v=0",
    "o=- 0 0 IN IP4 10.100.14.102",
    "s=LIVE VIEW",
    "c=IN IP4 0.0.0.0",
    "t=0 0",
    "a=control:rtsp://10.100.14.102:554/?inst=2&h26x=4",
    "m=video 0 RTP/AVP 35",
    "a=rtpmap:35 H264/90000",
    "a=control:rtsp://10.100.14.102:554/?inst=2&h26x=4&stream=video",
    "a=recvonly",
    "a=fmtp:35 packetization-mode=1;profile-level-id=4d4029;sprop-parameter-sets=Z01AKY2NYDwBE/LgLcBDQECA,aO44gA==",
    "",
  ].join("\n"),
  icamra: crlf([
    "v=0",
    "o=- 1109162014219182 1109162014219192 IN IP4 x.y.z.w",
    "s=RTSP/RTP stream from icamra ipc",
    "e=NONE",
    "c=IN IP4 0.0.0.0",
    "a=tool:LIVE555 Streaming Media v2011.05.25 CHAM.LI@ANJVISION.COM",
    "t=0 0",
    "a=range:npt=0-",
    "a=control:*",
    "m=video 0 RTP/AVP 96",
    "a=rtpmap:96 H264/90000",
    "a=control:trackID=1",
    "a=fmtp:96 profile-level-id=4D0016;packetization-mode=0;sprop-parameter-sets=Z00AFukBYCTQgAAB9IAAJxoC,aOqPIA==;config=00000001674d0016e9016024d0800001f48000271a020000000168ea8f20",
    "a=x-dimensions: 704, 576",
  ]),
} as const;

/** Sources of the SDPs above. */
export const SDP_SOURCES: Record<keyof typeof SDPS, string> = {
  tpLinkH265: "TP-Link H.265 camera with a TP-LINK metadata section, bluenviron/mediamtx issue 990 (gortsplib sdpunmarshaler tests)",
  hikvisionNvr: "Hikvision NVR (realm IP Camera(C2189)) echoing the credentials into a=control, mpromonet/webrtc-streamer issue 138",
  reolinkDoorbell: "Reolink doorbell on LIVE555 2020.08.12 with blank and space-only lines, AlexxIT/go2rtc issue 214",
  axis: "Axis camera, SPS/PPS only in the SDP (never in-band), meetecho/janus-gateway issue 849",
  uniview: "Uniview IPC2122LB with incomplete c= lines and absolute LAN controls, AlexxIT/go2rtc issue 1663 / bluenviron/mediamtx issue 5008",
  bosch: "Bosch camera, LF line ends, payload type 35, query-string controls, bluenviron/gortsplib issue 632",
  icamra: "icamra IPC on LIVE555 2011, packetization-mode=0, blakeblackshear/frigate issue 5954",
};

/** Whole server messages of camera dialects. */
export const RESPONSES: readonly DialectResponse[] = [
  {
    name: "Tapo/TP-Link OPTIONS with a vendor method in Public",
    source: "bluenviron/mediamtx issue 3116 (TP-Link camera behind mediamtx)",
    text: crlf([
      "RTSP/1.0 200 OK",
      "CSeq: 1",
      "Date: Sun, Apr 28 2024 06:49:17 GMT",
      "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER, MULTITRANS",
      "",
    ]),
    status: 200,
    headers: { CSeq: "1", Public: "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER, MULTITRANS" },
  },
  {
    name: "Tapo/TP-Link 401 with a Basic and a Digest challenge",
    source: "bluenviron/mediamtx issue 3116",
    text: crlf([
      "RTSP/1.0 401 Unauthorized",
      "CSeq: 2",
      "Date: Sun, Apr 28 2024 06:49:17 GMT",
      'WWW-Authenticate: Basic realm="TP-LINK IP-Camera"',
      'WWW-Authenticate: Digest realm="TP-LINK IP-Camera", nonce="6100befdab6f407276c35030a302430b"',
      "",
    ]),
    status: 401,
    headers: { CSeq: "2", "WWW-Authenticate": 'Basic realm="TP-LINK IP-Camera"' },
  },
  {
    name: "Hikvision SETUP answer: Session padded with spaces, Transport with ssrc and a quoted mode",
    source: "androidx/media issue 357 (Hikvision, realm IP Camera(C2732))",
    text: crlf([
      "RTSP/1.0 200 OK",
      "CSeq: 3",
      "Session:       1299260789;timeout=60",
      'Transport: RTP/AVP;unicast;client_port=36618-36619;server_port=8314-8315;ssrc=0cb32b85;mode="play"',
      "Date:  Wed, Apr 26 2023 14:04:10 GMT",
      "",
    ]),
    status: 200,
    headers: { Session: "1299260789;timeout=60" },
  },
  {
    name: "Hikvision 401 with only a Basic challenge of realm /",
    source: "AlexxIT/go2rtc issue 229 (Hikvision /Streaming/channels/102)",
    text: crlf(["RTSP/1.0 401 Unauthorized", "Cseq: 1", 'Www-Authenticate: Basic realm="/"', ""]),
    status: 401,
    headers: { CSeq: "1", "WWW-Authenticate": 'Basic realm="/"' },
  },
  {
    name: "Dahua 401 with realm Login to <serial>",
    source: "scottlamb/retina issue 62 (Dahua 4K camera, cam/realmonitor?channel=1&subtype=0)",
    text: crlf([
      "RTSP/1.0 401 Unauthorized",
      "CSeq: 1",
      'WWW-Authenticate: Digest realm="Login to 4K01FD2PAJ6E3FF", nonce="203c8d27b595204504dfa65fd22586bd"',
      "",
    ]),
    status: 401,
    headers: { "WWW-Authenticate": 'Digest realm="Login to 4K01FD2PAJ6E3FF", nonce="203c8d27b595204504dfa65fd22586bd"' },
  },
  {
    name: "Dahua SETUP answer with an ssrc padded by spaces",
    source: "the Transport value of a Dahua RTSP server, bluenviron/gortsplib pkg/headers transport tests (status line and CSeq added)",
    text: crlf(["RTSP/1.0 200 OK", "CSeq: 4", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF", ""]),
    status: 200,
    headers: { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF" },
  },
  {
    name: "Reolink PLAY answer with Rtp-Info in mixed case and no space after the comma",
    source: "AlexxIT/WebRTC issue 804 (Reolink h264Preview_01_sub behind go2rtc)",
    text: crlf([
      "RTSP/1.0 200 OK",
      "Range: npt=0.000-",
      "Session: 6E31D990",
      "Rtp-Info: url=rtsp://20.0.0.12/h264Preview_01_sub/track1;seq=13667;rtptime=3514127739,url=rtsp://20.0.0.12/h264Preview_01_sub/track2;seq=43032;rtptime=2839015966",
      "Cseq: 5",
      "",
    ]),
    status: 200,
    headers: {
      "RTP-Info":
        "url=rtsp://20.0.0.12/h264Preview_01_sub/track1;seq=13667;rtptime=3514127739,url=rtsp://20.0.0.12/h264Preview_01_sub/track2;seq=43032;rtptime=2839015966",
    },
  },
  {
    name: "Reolink (BC Streaming Media) keep-alive answer",
    source: "AlexxIT/Blog issue 5 (Reolink Preview_02_main through go2rtc)",
    text: crlf([
      "RTSP/1.0 200 OK",
      "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER",
      "Cseq: 7",
      "Date: Wed, Jun 04 2025 11:52:20 GMT",
      "",
    ]),
    status: 200,
    headers: { CSeq: "7" },
  },
  {
    name: "Axis DESCRIBE answer, SPS/PPS only in the SDP",
    source: "meetecho/janus-gateway issue 849 (public Axis camera)",
    text: withBody(
      [
        "RTSP/1.0 200 OK",
        "CSeq: 2",
        "Content-Type: application/sdp",
        "Content-Base: rtsp://217.17.220.110/axis-media/media.amp/",
        "Date: Thu, 06 Apr 2017 22:30:55 GMT",
      ],
      SDPS.axis,
    ),
    status: 200,
    headers: { "Content-Base": "rtsp://217.17.220.110/axis-media/media.amp/" },
  },
  {
    name: "Axis (GStreamer RTSP server) OPTIONS keep-alive answer with the Session",
    source: "home-assistant/core issue 112824 (Axis, axis-media/media.amp?video=0&audio=0&event=on)",
    text: crlf([
      "RTSP/1.0 200 OK",
      "CSeq: 4",
      "Public: OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP, SET_PARAMETER, TEARDOWN",
      "Server: GStreamer RTSP server",
      "Session: kt6D2PGchRHkcd1b;timeout=60",
      "Date: Sun, 10 Mar 2024 10:46:00 GMT",
      "",
    ]),
    status: 200,
    headers: { Session: "kt6D2PGchRHkcd1b;timeout=60", Server: "GStreamer RTSP server" },
  },
  {
    name: "LIVE555 camera whose Content-Base repeats the scheme",
    source: "blakeblackshear/frigate issue 5954 (icamra IPC)",
    text: withBody(["RTSP/1.0 200 OK", "Content-Base: rtsp://rtsp://10.0.0.97:554/stream1/", "Content-Type: application/sdp", "Cseq: 2"], SDPS.icamra),
    status: 200,
    headers: { "Content-Base": "rtsp://rtsp://10.0.0.97:554/stream1/" },
  },
  {
    name: "Samsung (iPOLiS) 401 with Expires and Cache-Control",
    source: "Ullaakut/cameradar issue 199",
    text: crlf([
      "RTSP/1.0 401 Unauthorized",
      "CSeq: 2",
      "Date: Thu, 23 May 2019 02:57:00 GMT",
      "Expires: Thu, 23 May 2019 02:57:00 GMT",
      "Cache-Control: must-revalidate",
      'WWW-Authenticate: Digest realm="iPOLiS", nonce="BA2BBD4E602A4CD5E08ACC0896D1234E"',
      "",
    ]),
    status: 401,
    headers: { "Cache-Control": "must-revalidate" },
  },
  {
    name: "session expired: 454 to a keep-alive",
    source: "Streamedian/html5_rtsp_player issue 89 (LIVE555 server, realm DIVA)",
    text: crlf(["RTSP/1.0 454 Session Not Found", "CSeq: 6", "Date: Mon, Jul 23 2018 13:36:35 GMT", ""]),
    status: 454,
    headers: { CSeq: "6" },
  },
];
