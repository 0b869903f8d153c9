/**
 * Raw HTTP/1.1 over TCP for tests that must control what a client really sends: a huge
 * body announced by Content-Length or sent chunked, streamed without holding it in memory.
 * Also reads a process's resident memory and its UDP sockets from /proc.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** What the server answered (status line and body text), and how much of the body it took. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  /** Body bytes written before the server answered or closed. */
  readonly sentBytes: number;
}

/**
 * POSTs `bodyBytes` of filler to `path`, as Content-Length or chunked, and resolves when
 * the server answers and closes (or after `timeoutMs`: status 0).
 */
export function rawPost(
  port: number,
  path: string,
  headers: Record<string, string>,
  bodyBytes: number,
  opts: { chunked?: boolean; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const chunk = new Uint8Array(256 * 1024).fill(0x41);
  return new Promise((resolve) => {
    let got = "";
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
      const body = got.includes("\r\n\r\n") ? got.slice(got.indexOf("\r\n\r\n") + 4) : "";
      resolve({ status, body, sentBytes: sent });
    };
    const timer = setTimeout(() => {
      finish();
      sock?.end();
    }, opts.timeoutMs ?? 20_000);
    let sock: { end(): void } | undefined;
    const head = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    head.push(opts.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${bodyBytes}`);
    const pump = (s: { write(d: Uint8Array | string): number; end(): void }) => {
      while (!done && sent < bodyBytes) {
        const n = Math.min(chunk.length, bodyBytes - sent);
        const piece = opts.chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), chunk.subarray(0, n), Buffer.from("\r\n")]) : chunk.subarray(0, n);
        const w = s.write(piece);
        if (w < piece.length) return; // backpressure (a partial write of a chunk frame is rare; tests only need pressure)
        sent += n;
      }
      if (opts.chunked && sent >= bodyBytes) s.write("0\r\n\r\n");
    };
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          sock = s;
          s.write(`${head.join("\r\n")}\r\n\r\n`);
          pump(s);
        },
        drain(s) {
          pump(s);
        },
        data(_s, d) {
          got += d.toString();
        },
        close: finish,
        error: finish,
      },
    }).catch(finish);
  });
}

/** Resident memory of a process, MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

/** UDP sockets a process holds (its fds matched against the UDP tables of its namespace). */
export function udpSockets(pid: number): number {
  const inodes = new Set<string>();
  for (const table of ["udp", "udp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9) inodes.add(f[9]!);
    }
  }
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) n++;
    } catch {
      // fd closed meanwhile
    }
  }
  return n;
}
