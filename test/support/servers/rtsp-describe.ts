/**
 * One RTSP DESCRIBE (RFC 2326 §10.2) over TCP, without credentials: enough to see whether a
 * test server serves a path yet (200 with an SDP), wants credentials (401, RFC 2326 §11.4.2)
 * or refuses (e.g. 453).
 */
import net from "node:net";

/** A DESCRIBE's answer: the status code, the header block as text, and the body (the SDP). */
export interface DescribeAnswer {
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends `DESCRIBE url RTSP/1.0` to the URL's host and port (default 554) and reads one answer.
 * @param url `rtsp://host:port/path`; any user info is not sent
 * @param timeoutMs for the whole exchange
 * @throws Error when the connection fails, closes before a full answer, or times out
 */
export function rtspDescribe(url: string, timeoutMs = 3000): Promise<DescribeAnswer> {
  const u = new URL(url);
  const clean = `rtsp://${u.hostname}:${u.port || 554}${u.pathname}`;
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = net.connect(Number(u.port || 554), u.hostname);
    const done = (err: Error | null, answer?: DescribeAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => done(new Error(`DESCRIBE ${clean}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => socket.write(`DESCRIBE ${clean} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`));
    socket.on("error", (e) => done(new Error(`DESCRIBE ${clean}: ${e.message}`)));
    socket.on("close", () => done(new Error(`DESCRIBE ${clean}: closed before an answer`)));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const headers = text.slice(0, end);
      const length = Number(/^content-length:\s*(\d+)/im.exec(headers)?.[1] ?? 0);
      const body = text.slice(end + 4);
      if (body.length < length) return;
      const status = Number(/^RTSP\/1\.0 (\d{3})/.exec(headers)?.[1] ?? NaN);
      done(null, { status, headers, body: body.slice(0, length) });
    });
  });
}

/**
 * Polls DESCRIBE until the server answers 200 with a video media line (`m=video`).
 * @param alive stops the wait early (with an error) when it returns false, e.g. the server exited
 * @throws Error after `timeoutMs`, with the last answer or error
 */
export async function waitForRtspVideo(url: string, timeoutMs = 20_000, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${url}: server exited while waiting for it (${last})`);
    try {
      const a = await rtspDescribe(url, 2000);
      if (a.status === 200 && /^m=video /m.test(a.body)) return;
      last = `DESCRIBE answered ${a.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${url}: no video within ${timeoutMs} ms (${last})`);
}
