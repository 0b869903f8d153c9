/**
 * The TCP (or TLS, for rtsps://) connection of the native RTSP client: Bun.connect, the
 * incremental RTSP stream parser over what arrives, and writes that respect backpressure.
 * Everything the server sends comes out of `onItem` (responses, server requests, interleaved
 * frames); the end of the connection, for whatever reason, is reported once through `closed`.
 */
import type { Socket } from "bun";
import { MediaError } from "../../media/errors.ts";
import { type RtspItem, RtspStreamParser } from "../../media/rtsp/rtsp-stream-parser.ts";

/** Where to connect. */
export interface RtspEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS (rtsps://). Certificates are not verified: cameras use self-signed ones (as go2rtc and ffmpeg do). */
  readonly tls: boolean;
}

/** The connection could not be made. `kind` says why. */
export class RtspConnectError extends Error {
  constructor(
    readonly kind: "refused" | "unknown-host" | "unreachable" | "timeout" | "tls" | "other",
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Why an open connection ended. */
export type ConnectionEnd =
  | { readonly kind: "closed" } // the server closed it (FIN or reset)
  | { readonly kind: "local" } // we closed it
  | { readonly kind: "protocol"; readonly error: MediaError } // garbage from the server
  | { readonly kind: "error"; readonly error: Error }; // a socket or TLS error

const CONNECT_CODES: Record<string, RtspConnectError["kind"]> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "unknown-host",
  EAI_AGAIN: "unknown-host",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ETIMEDOUT: "timeout",
};

/** One open RTSP connection. */
export class RtspConnection {
  /** Called for every item the server sends, in order. Set it before data can arrive. */
  onItem: (item: RtspItem) => void = () => {};
  private readonly parser = new RtspStreamParser();
  private socket: Socket<undefined> | undefined;
  private queue: Uint8Array[] = [];
  private ended: ConnectionEnd | undefined;
  private resolveClosed!: (end: ConnectionEnd) => void;
  /** Resolves once, when the connection has ended, with why. */
  readonly closed: Promise<ConnectionEnd> = new Promise((r) => (this.resolveClosed = r));

  private constructor() {}

  /**
   * Connects. Resolves once TCP (and TLS) is up.
   * @param timeoutMs give up after this long (the connect attempt is then closed when it lands)
   * @throws RtspConnectError for a refused connection, an unknown host, no route, a timeout, a TLS failure
   */
  static async open(ep: RtspEndpoint, timeoutMs: number, signal: AbortSignal): Promise<RtspConnection> {
    const conn = new RtspConnection();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let giveUp = false;
    const attempt = Bun.connect({
      hostname: ep.host.replace(/^\[|\]$/g, ""),
      port: ep.port,
      ...(ep.tls && { tls: { rejectUnauthorized: false, serverName: ep.host } }),
      socket: {
        binaryType: "uint8array",
        open: (s) => {
          if (giveUp) s.terminate();
        },
        data: (_s, data) => conn.receive(data as Uint8Array),
        drain: () => conn.flush(),
        end: () => conn.finish({ kind: "closed" }),
        close: (_s, err) => conn.finish(err ? { kind: "error", error: err } : { kind: "closed" }),
        error: (_s, err) => conn.finish({ kind: "error", error: err }),
        connectError: () => {}, // the rejected promise below reports it
      },
    });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RtspConnectError("timeout", `no TCP connection to ${ep.host}:${ep.port} within ${timeoutMs} ms`)), timeoutMs);
    });
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new RtspConnectError("other", "aborted"));
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      conn.socket = (await Promise.race([attempt, deadline, aborted])) as Socket<undefined>;
      conn.socket.setNoDelay(true);
      return conn;
    } catch (e) {
      giveUp = true;
      void attempt.then(
        (s) => s.terminate(),
        () => {},
      );
      if (e instanceof RtspConnectError) throw e;
      const code = (e as { code?: string }).code ?? "";
      const kind = CONNECT_CODES[code] ?? (ep.tls && /tls|ssl|certificate|handshake/i.test(String(e)) ? "tls" : "other");
      const what = kind === "unknown-host" ? `unknown host ${ep.host}` : `${code || (e as Error).message} connecting to ${ep.host}:${ep.port}`;
      throw new RtspConnectError(kind, kind === "refused" ? `connection refused by ${ep.host}:${ep.port}` : what);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** The server's IP address, as connected. */
  get remoteAddress(): string | undefined {
    return this.socket?.remoteAddress;
  }

  /** Whether the connection has ended. */
  get isClosed(): boolean {
    return this.ended !== undefined;
  }

  /** Sends bytes; queued in order while the socket is full. No-op once closed. */
  write(bytes: Uint8Array): void {
    if (this.ended || !this.socket) return;
    if (this.queue.length > 0) {
      this.queue.push(bytes);
      return;
    }
    const n = this.socket.write(bytes);
    if (n < bytes.length) this.queue.push(bytes.subarray(Math.max(n, 0)));
  }

  /** Closes at once (no linger); `closed` resolves with `local` unless it had ended already. */
  close(): void {
    this.finish({ kind: "local" });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.socket && !this.ended) {
      const head = this.queue[0]!;
      const n = this.socket.write(head);
      if (n < head.length) {
        this.queue[0] = head.subarray(Math.max(n, 0));
        return;
      }
      this.queue.shift();
    }
  }

  private receive(data: Uint8Array): void {
    if (this.ended) return;
    let items: RtspItem[];
    try {
      items = this.parser.push(data);
    } catch (e) {
      this.finish(e instanceof MediaError ? { kind: "protocol", error: e } : { kind: "error", error: e as Error });
      return;
    }
    for (const item of items) {
      if (this.ended) return;
      this.onItem(item);
    }
  }

  private finish(end: ConnectionEnd): void {
    if (this.ended) return;
    this.ended = end;
    this.queue = [];
    try {
      this.socket?.terminate();
    } catch {
      // already closed
    }
    this.resolveClosed(end);
  }
}
