/**
 * The request side of the native RTSP client (RFC 2326): numbered requests (CSeq, §12.17)
 * matched to their responses, the Session header echoed once the server gave one (§12.37),
 * authentication (a 401 answered once with the server's realm and nonce, and once more when the
 * nonce went stale or changed: an Axis M5525 starts refusing keep-alives after 150 s with a new
 * nonce, SharpRTSP's tracker), and answers to the few requests a server sends its client.
 * Interleaved frames go to `onFrame`. Credentials go only into Authorization headers.
 */
import { RtspAuthenticator, type Credentials, isStale } from "../../media/rtsp/rtsp-auth.ts";
import { cseqOf, RtspHeaders, type RtspRequest, type RtspResponse } from "../../media/rtsp/rtsp-message.ts";
import { serializeRequest, serializeResponse } from "../../media/rtsp/rtsp-serialize.ts";
import { parseSession, type SessionHeader } from "../../media/rtsp/session-header.ts";
import { parseChallenges } from "../../media/rtsp/www-authenticate.ts";
import { type ConnectionEnd, RtspConnection, type RtspEndpoint } from "./rtsp-connection.ts";

/** The server answered a request with a status other than 2xx. */
export class RtspStatusError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${status} ${reason} (${method})`);
    this.name = new.target.name;
  }
}

/** No response to a request within the read timeout. */
export class RtspTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${method} within ${timeoutMs} ms`);
    this.name = new.target.name;
  }
}

/** The connection ended while a request waited. */
export class RtspClosedError extends Error {
  constructor(readonly end: ConnectionEnd) {
    super(end.kind === "protocol" || end.kind === "error" ? `connection ended: ${end.error.message}` : `connection ${end.kind}`);
    this.name = new.target.name;
  }
}

/** Options of {@link RtspClient}. */
export interface RtspClientOptions {
  readonly endpoint: RtspEndpoint;
  /** Used after a 401 only. @defaultValue none: a 401 is final */
  readonly credentials?: Credentials;
  /** Longest wait for a response, ms (the camera's network class `readMs`). */
  readonly readTimeoutMs: number;
  /** User-Agent header. @defaultValue "camserver" */
  readonly userAgent?: string;
  /** Called for every interleaved frame (§10.12): channel and payload. */
  readonly onFrame?: (channel: number, payload: Uint8Array) => void;
}

/** Options of one request. */
export interface RequestOptions {
  /** Extra header fields (CSeq, Session, User-Agent and Authorization are set here). */
  readonly headers?: readonly (readonly [string, string])[];
  /** Resolve with undefined instead of failing when no answer comes in time (keep-alives). */
  readonly optional?: boolean;
  /** Overrides the read timeout for this request, ms. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly resolve: (r: RtspResponse | undefined) => void;
  readonly reject: (e: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly optional: boolean;
}

/** One RTSP control connection to a camera. */
export class RtspClient {
  private cseq = 0;
  private readonly pending = new Map<number, Pending>();
  private auth: RtspAuthenticator | undefined;
  /** The server's Session, once a SETUP answer gave one. */
  session: SessionHeader | undefined;

  private constructor(
    private readonly conn: RtspConnection,
    private readonly opts: RtspClientOptions,
  ) {
    conn.onItem = (item) => {
      if (item.kind === "frame") this.opts.onFrame?.(item.channel, item.payload);
      else if (item.kind === "response") this.answer(item.response);
      else this.serverRequest(item.request);
    };
    void conn.closed.then((end) => {
      for (const [seq, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(seq);
        p.reject(new RtspClosedError(end));
      }
    });
  }

  /**
   * Opens the connection.
   * @throws RtspConnectError (see rtsp-connection.ts)
   */
  static async connect(opts: RtspClientOptions, connectTimeoutMs: number, signal: AbortSignal): Promise<RtspClient> {
    return new RtspClient(await RtspConnection.open(opts.endpoint, connectTimeoutMs, signal), opts);
  }

  /** Resolves when the connection ends, with why. */
  get closed(): Promise<ConnectionEnd> {
    return this.conn.closed;
  }

  /** Whether the connection has ended. */
  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  /** The server's IP address, as connected. */
  get remoteAddress(): string | undefined {
    return this.conn.remoteAddress;
  }

  /** Sends raw bytes (an RTCP report in an interleaved frame). */
  send(bytes: Uint8Array): void {
    this.conn.write(bytes);
  }

  /** Closes the connection now. */
  close(): void {
    this.conn.close();
  }

  /**
   * Sends a request and waits for its response, answering a 401 as described in the module
   * comment. Any status comes back; the caller decides what is an error.
   * @returns the response, or undefined for an optional request that got none in time
   * @throws RtspTimeoutError when a required request gets no answer in time
   * @throws RtspClosedError when the connection ends first
   * @throws UnsupportedAuthError (a MediaError) when the 401's challenges cannot be answered
   */
  async request(method: string, url: string, o: RequestOptions = {}): Promise<RtspResponse | undefined> {
    let res = await this.once(method, url, o);
    for (let attempt = 0; res?.status === 401 && this.opts.credentials && attempt < 2; attempt++) {
      const challenges = parseChallenges(res.headers.getAll("WWW-Authenticate"));
      if (!this.auth) this.auth = new RtspAuthenticator(challenges, this.opts.credentials, () => crypto.randomUUID().replace(/-/g, ""));
      else if (attempt === 0 || challenges.some(isStale)) this.auth.update(challenges);
      else break; // the same credentials failed twice: they are wrong
      res = await this.once(method, url, o);
    }
    const session = res?.headers.get("Session");
    if (session !== undefined && res!.status < 300) {
      try {
        const parsed = parseSession(session);
        // A second SETUP answered with another id (seen in go2rtc's tracker) does not replace the first.
        if (!this.session || this.session.id === parsed.id) this.session = parsed;
      } catch {
        // an unusable Session header: keep what we had (some cameras repeat garbage on PLAY)
      }
    }
    return res;
  }

  private once(method: string, url: string, o: RequestOptions): Promise<RtspResponse | undefined> {
    if (this.conn.isClosed) return Promise.reject(new RtspClosedError({ kind: "local" }));
    const seq = ++this.cseq;
    const headers = new RtspHeaders([["CSeq", String(seq)], ["User-Agent", this.opts.userAgent ?? "camserver"], ...(o.headers ?? [])]);
    if (this.session && method !== "OPTIONS" && !headers.has("Session")) headers.set("Session", this.session.id);
    if (this.auth) headers.set("Authorization", this.auth.authorize(method, url));
    const bytes = serializeRequest(method, url, headers);
    const timeoutMs = o.timeoutMs ?? this.opts.readTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        if (o.optional) resolve(undefined);
        else reject(new RtspTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(seq, { resolve, reject, timer, optional: o.optional ?? false });
      this.conn.write(bytes);
    });
  }

  /** Matches a response to its request by CSeq; one without CSeq goes to the oldest request waiting. */
  private answer(res: RtspResponse): void {
    if (res.status < 200) return; // 1xx: a final answer follows
    const seq = cseqOf(res.headers) ?? this.pending.keys().next().value;
    const p = seq === undefined ? undefined : this.pending.get(seq);
    if (!p) return; // a late answer to a keep-alive we stopped waiting for
    clearTimeout(p.timer);
    this.pending.delete(seq!);
    p.resolve(res);
  }

  /** Answers a request from the server: 200 to liveness checks (§10.1, §10.8), 501 to others. */
  private serverRequest(req: RtspRequest): void {
    const ok = req.method === "OPTIONS" || req.method === "GET_PARAMETER" || req.method === "SET_PARAMETER";
    const cseq = req.headers.get("CSeq") ?? "";
    const headers = new RtspHeaders([["CSeq", /^\d{1,9}$/.test(cseq) ? cseq : "0"]]);
    this.conn.write(serializeResponse(ok ? 200 : 501, ok ? "OK" : "Not Implemented", headers));
  }
}
