/**
 * The opening of a native RTSP session (RFC 2326 §10): OPTIONS (the Public methods say whether
 * GET_PARAMETER can keep the session alive), DESCRIBE with `Accept: application/sdp` (following
 * 301/302 redirects to another camera URL, at most `maxRedirects` times, never from rtsps:// down
 * to rtsp://), the SDP's video track, and SETUP of that one track with
 * `RTP/AVP/TCP;unicast;interleaved=0-1` (the server may pick other channels). A server that
 * refuses RTP over TCP gets a second SETUP with UDP client ports (rtsp-udp.ts); ffmpeg and
 * gortsplib fall back between the two transports as well. PLAY is left to the caller, so that it
 * is ready for the first frame before asking for it.
 *
 * Audio tracks are set up too, on the next channel pairs, and their packets ignored: a
 * GStreamer RTSP server (Axis cameras run one; so does the test-bed camera) that shares one
 * media between clients now and then sends nothing at all when only the video stream of a
 * media with audio is set up (seen here in 2 of 10 sessions; 0 of 10 with both set up). ffmpeg
 * and gortsplib set up every track as well. A failed audio SETUP is ignored.
 */
import { parseRtspUrl, resolveBaseUrl, resolveControl, stripCredentials } from "../../media/rtsp/control-url.ts";
import type { Credentials } from "../../media/rtsp/rtsp-auth.ts";
import { publicMethods } from "../../media/rtsp/rtsp-message.ts";
import { parseSdp, type SessionDescription } from "../../media/rtsp/sdp.ts";
import { parseTransport } from "../../media/rtsp/transport-header.ts";
import { findVideoTrack, type H264Track } from "../../media/rtsp/video-track.ts";
import { RtspClient, RtspStatusError } from "./rtsp-client.ts";
import { RtspConnectError } from "./rtsp-connection.ts";
import { RtspUnsupportedError } from "./rtsp-failure.ts";
import { RtpUdpPair } from "./rtsp-udp.ts";

/** Inputs of {@link rtspHandshake}. */
export interface HandshakeOptions {
  /** The camera URL without credentials. */
  readonly url: string;
  readonly credentials?: Credentials;
  /** Longest wait for TCP and for each answer, ms. */
  readonly readMs: number;
  readonly signal: AbortSignal;
  /** Receives every interleaved frame of the connection that ends up being used. */
  readonly onFrame: (channel: number, payload: Uint8Array) => void;
  /** Told each client as it connects, so the caller can close it whatever happens. */
  readonly onClient: (client: RtspClient) => void;
  /** Told the UDP sockets when they are opened, for the same reason. */
  readonly onUdp?: (pair: RtpUdpPair) => void;
  /** @defaultValue 3 */
  readonly maxRedirects?: number;
}

/** A session that is set up and ready for PLAY. */
export interface Handshake {
  readonly client: RtspClient;
  readonly track: H264Track;
  /** The aggregate URL: PLAY, keep-alives and TEARDOWN go here. */
  readonly baseUrl: string;
  /** Interleaved channels [RTP, RTCP] the server chose; [0, 1] stand for the UDP sockets. */
  readonly channels: readonly [number, number];
  /** The UDP sockets, when the server refused RTP over TCP. */
  readonly udp?: RtpUdpPair;
  /** GET_PARAMETER when the server lists it in Public, else OPTIONS (gortsplib does the same). */
  readonly keepAliveMethod: "GET_PARAMETER" | "OPTIONS";
}

const REDIRECTS = new Set([301, 302, 303, 305, 307]);
const ok = (status: number) => status >= 200 && status < 300;
const decoder = new TextDecoder();

/**
 * Runs OPTIONS, DESCRIBE and SETUP.
 * @throws RtspConnectError, RtspTimeoutError, RtspClosedError, RtspStatusError (non-2xx, and
 *   401/403/453 already at OPTIONS), SdpError, UnsupportedAuthError, RtspUnsupportedError
 *   (no video, H.265, another codec, packetization-mode 2, no RTP over TCP)
 */
export async function rtspHandshake(o: HandshakeOptions): Promise<Handshake> {
  let url = o.url;
  for (let redirects = 0; ; redirects++) {
    const parts = parseRtspUrl(url);
    if (!parts) throw new RtspConnectError("other", "the source URL is not an rtsp:// or rtsps:// URL");
    const client = await RtspClient.connect(
      {
        endpoint: { host: parts.host, port: parts.port, tls: parts.scheme === "rtsps" },
        credentials: o.credentials,
        readTimeoutMs: o.readMs,
        onFrame: o.onFrame,
      },
      o.readMs,
      o.signal,
    );
    o.onClient(client);
    const options = await client.request("OPTIONS", url);
    if (options && [401, 403, 453].includes(options.status)) throw new RtspStatusError("OPTIONS", options.status, options.reason);
    const methods = options && ok(options.status) ? publicMethods(options.headers) : new Set<string>();
    const describe = (await client.request("DESCRIBE", url, { headers: [["Accept", "application/sdp"]] }))!;
    const location = describe.headers.get("Location");
    if (REDIRECTS.has(describe.status) && location !== undefined && redirects < (o.maxRedirects ?? 3)) {
      const next = stripCredentials(location);
      if (!next) throw new RtspStatusError("DESCRIBE", describe.status, `${describe.reason} to a location that is not an RTSP URL`);
      if (parts.scheme === "rtsps" && next.startsWith("rtsp:")) throw new RtspStatusError("DESCRIBE", describe.status, "redirect from rtsps to rtsp refused");
      client.close();
      url = next;
      continue;
    }
    if (!ok(describe.status)) throw new RtspStatusError("DESCRIBE", describe.status, describe.reason);
    const sdp = parseSdp(decoder.decode(describe.body));
    const track = findVideoTrack(sdp);
    if (!track) throw new RtspUnsupportedError("no video track in the SDP");
    if (track.codec === "h265") throw new RtspUnsupportedError("video is H.265", true);
    if (track.codec !== "h264") throw new RtspUnsupportedError(`video is ${track.encoding || `payload type ${track.payloadType}`}, not H.264`, true);
    if (track.packetizationMode > 1) throw new RtspUnsupportedError(`H.264 packetization-mode ${track.packetizationMode} is not supported`);
    const baseUrl = resolveBaseUrl({
      requestUrl: url,
      contentBase: describe.headers.get("Content-Base"),
      contentLocation: describe.headers.get("Content-Location"),
      sessionControl: sdp.control,
    });
    const videoUrl = resolveControl(baseUrl, track.control);
    const setup = (await client.request("SETUP", videoUrl, { headers: [["Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"]] }))!;
    if (setup.status === 461 || setup.status === 400) {
      // RTP over TCP refused (VLC: 461; rtsp-server-perl: 400): receive over UDP instead.
      const udp = await setupUdp(client, videoUrl, o);
      return { client, track, baseUrl, channels: [0, 1], udp, keepAliveMethod: methods.has("GET_PARAMETER") ? "GET_PARAMETER" : "OPTIONS" };
    }
    if (!ok(setup.status)) throw new RtspStatusError("SETUP", setup.status, setup.reason);
    const transportValue = setup.headers.get("Transport");
    const transport = transportValue === undefined ? undefined : parseTransport(transportValue);
    if (transport && !transport.tcp) throw new RtspUnsupportedError(`the camera answered SETUP with ${transport.profile}, not RTP over TCP`);
    const channels = transport?.interleaved ?? ([0, 1] as const);
    await setupAudio(client, sdp, baseUrl, videoUrl, Math.max(...channels) + 1);
    return {
      client,
      track,
      baseUrl,
      channels,
      keepAliveMethod: methods.has("GET_PARAMETER") ? "GET_PARAMETER" : "OPTIONS",
    };
  }
}

/** Sets up each audio section of the SDP (at most 4) on the channel pairs from `firstChannel`; failures are ignored. */
async function setupAudio(client: RtspClient, sdp: SessionDescription, baseUrl: string, videoUrl: string, firstChannel: number): Promise<void> {
  let channel = firstChannel + (firstChannel % 2);
  for (const m of sdp.media.filter((x) => x.type === "audio").slice(0, 4)) {
    const url = resolveControl(baseUrl, m.control);
    if (url === videoUrl || channel > 254) continue;
    const res = await client.request("SETUP", url, { headers: [["Transport", `RTP/AVP/TCP;unicast;interleaved=${channel}-${channel + 1}`]] });
    if (res && res.status >= 200 && res.status < 300) channel += 2;
  }
}

/** SETUP of the video stream over UDP (RFC 2326 §12.39 client_port). */
async function setupUdp(client: RtspClient, videoUrl: string, o: HandshakeOptions): Promise<RtpUdpPair> {
  const peer = client.remoteAddress;
  const pair = await RtpUdpPair.open(peer, (channel, payload) => o.onFrame(channel, payload));
  o.onUdp?.(pair);
  const [rtp, rtcp] = pair.ports;
  const res = (await client.request("SETUP", videoUrl, { headers: [["Transport", `RTP/AVP;unicast;client_port=${rtp}-${rtcp}`]] }))!;
  if (res.status === 461) throw new RtspUnsupportedError("the camera refuses both RTP over TCP and over UDP (461 Unsupported Transport)");
  if (!ok(res.status)) throw new RtspStatusError("SETUP", res.status, res.reason);
  const value = res.headers.get("Transport");
  const serverPorts = value === undefined ? undefined : parseTransport(value).serverPorts;
  if (serverPorts && peer) pair.setServer(peer, serverPorts[1]);
  return pair;
}
