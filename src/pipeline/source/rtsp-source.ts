/**
 * The native RTSP source: camserver's own RTSP client pulls a camera in-process (as go2rtc and
 * MediaMTX do) instead of an ffmpeg child. One session: connect (TLS for rtsps://), OPTIONS,
 * DESCRIBE, SETUP of the H.264 track over TCP (UDP when the camera refuses TCP), PLAY; then
 * access units until the session ends.
 * While it runs it sends keep-alives at half the Session timeout (GET_PARAMETER, or OPTIONS when
 * the server does not list GET_PARAMETER) and an RTCP receiver report every few seconds; on stop
 * it sends TEARDOWN (best effort, bounded) and closes the connection.
 *
 * Kill paths, each ending in `finally` where every timer is cleared and the socket closed:
 * the connect deadline (no access unit within connectMs), the read timeout of each request, the
 * stall watchdog (no access unit for stallMs), the connection's end, a stream that is not H.264,
 * and the session's AbortSignal. The domain error for each is in rtsp-failure.ts.
 */
import { splitCredentials } from "../../cameras/source-url.ts";
import { rtpMalformedPacketsTotal } from "../../metrics.ts";
import type { Logger } from "../../log.ts";
import { interleavedFrame } from "../../media/rtsp/rtsp-serialize.ts";
import type { RtspClient } from "./rtsp-client.ts";
import { RtspClosedError, RtspStatusError } from "./rtsp-client.ts";
import { classifyRtspEnd, RtspNoVideoError, RtspStoppedError } from "./rtsp-failure.ts";
import { rtspHandshake } from "./rtsp-handshake.ts";
import { RtspReceiver } from "./rtsp-receiver.ts";
import type { RtpUdpPair } from "./rtsp-udp.ts";
import type { SessionEnd, Source, SourceSession } from "./source.ts";

/** Options of the native RTSP source. */
export interface RtspSourceOptions {
  readonly log?: Logger;
  /** Period of RTCP receiver reports, ms (gortsplib: some cameras want one every 5 s). @defaultValue 5000 */
  readonly receiverReportMs?: number;
  /** Longest wait for the TEARDOWN answer on stop, ms. @defaultValue 1000 */
  readonly teardownMs?: number;
  /** DESCRIBE redirects followed. @defaultValue 3 */
  readonly maxRedirects?: number;
}

/** A camera pulled by camserver's own RTSP client. */
export class RtspSource implements Source {
  readonly kind = "rtsp";
  constructor(readonly opts: RtspSourceOptions = {}) {}

  async run(s: SourceSession): Promise<SessionEnd> {
    const { camera, timeouts } = s;
    const malformed = rtpMalformedPacketsTotal.labels(camera.id);
    const split = splitCredentials(camera.sourceUrl);
    const username = camera.username ?? split.username;
    const credentials = username !== undefined ? { username, password: camera.password ?? split.password ?? "" } : undefined;
    let fail!: (e: unknown) => void;
    const ended = new Promise<never>((_, reject) => (fail = reject));
    ended.catch(() => {});
    let firstError: unknown;
    // Aborted at the first end of any kind, so that a connect or a handshake still under way
    // is cut off too (its socket closed as it lands), not only the session's own signal.
    const over = new AbortController();
    const end = (e: unknown) => {
      firstError ??= e;
      over.abort();
      fail(e);
    };
    let client: RtspClient | undefined;
    let receiver: RtspReceiver | undefined;
    let udp: RtpUdpPair | undefined;
    const timers: ReturnType<typeof setInterval>[] = [];
    const connectTimer = setTimeout(() => end(new RtspNoVideoError(timeouts.connectMs)), timeouts.connectMs);
    const onAbort = () => end(new RtspStoppedError());
    if (s.signal.aborted) onAbort();
    s.signal.addEventListener("abort", onAbort, { once: true });
    const race = <T>(p: Promise<T>) => Promise.race([p, ended]);
    let playing = false;
    let baseUrl = split.url;
    try {
      const hs = await race(
        rtspHandshake({
          url: split.url,
          credentials,
          readMs: timeouts.readMs,
          signal: over.signal,
          maxRedirects: this.opts.maxRedirects,
          onFrame: (channel, payload) => receiver?.onFrame(channel, payload),
          onUdp: (pair) => {
            udp = pair;
            if (over.signal.aborted) pair.close(); // the session ended while it was being opened
          },
          onClient: (c) => {
            client?.close();
            if (over.signal.aborted) c.close();
            client = c;
            void c.closed.then((how) => how.kind !== "local" && end(new RtspClosedError(how))); // local: ours (redirect, finally)
          },
        }),
      );
      baseUrl = hs.baseUrl;
      receiver = new RtspReceiver(
        hs.track,
        hs.channels,
        {
          onAccessUnit: s.onAccessUnit,
          onParameterSets: s.onParameterSets,
          onFirstMedia: () => {
            clearTimeout(connectTimer);
            s.onFirstMedia?.();
          },
          onMalformedPacket: () => malformed.inc(),
          fail: end,
        },
        { stallMs: timeouts.stallMs },
      );
      const play = (await race(hs.client.request("PLAY", hs.baseUrl, { headers: [["Range", "npt=0.000-"]] })))!;
      if (play.status < 200 || play.status >= 300) throw new RtspStatusError("PLAY", play.status, play.reason);
      playing = true;
      const keepAliveMs = Math.max(1000, ((hs.client.session?.timeoutSeconds ?? 60) * 1000) / 2);
      timers.push(setInterval(() => void hs.client.request(hs.keepAliveMethod, hs.baseUrl, { optional: true }).catch(() => {}), keepAliveMs));
      timers.push(
        setInterval(() => {
          const rr = receiver?.receiverReport();
          if (rr && hs.udp) hs.udp.sendRtcp(rr);
          else if (rr) hs.client.send(interleavedFrame(hs.channels[1], rr));
        }, this.opts.receiverReportMs ?? 5000),
      );
      await ended;
    } catch (e) {
      end(e);
    } finally {
      clearTimeout(connectTimer);
      for (const t of timers) clearInterval(t);
      s.signal.removeEventListener("abort", onAbort);
      receiver?.stop();
      if (client && !client.isClosed && playing && firstError instanceof RtspStoppedError) {
        await client.request("TEARDOWN", baseUrl, { optional: true, timeoutMs: this.opts.teardownMs ?? 1000 }).catch(() => {});
      }
      client?.close();
      udp?.close();
    }
    const err = classifyRtspEnd({ cameraId: camera.id, error: firstError, live: receiver?.live ?? false, redact: s.redact });
    if (!(firstError instanceof RtspStoppedError)) this.opts.log?.debug({ camera: camera.id, err: err.message }, "native RTSP session ended");
    return err;
  }
}
