/**
 * UDP send micro benchmark (not a bun test): `bun test/bench/udp-send.ts [--packets N]`.
 *
 * The last hop of every WebRTC packet camserver sends: one 1,232-byte datagram (a 1,200-byte
 * RTP payload + header + SRTP tag) per packet per viewer, to 127.0.0.1. Compares, in one process,
 * CPU per packet (process utime+stime / packets, sender and the in-process sink together, and the
 * sender's wall time per packet):
 *  - node:dgram `send(buf, port, "127.0.0.1")` as werift 0.25.2's UdpTransport.send does (an
 *    address per call: net.isIP + dns lookup path in Bun's node:dgram);
 *  - node:dgram on a connected socket (`connect()` once, `send(buf)`);
 *  - Bun.udpSocket `send(buf, port, addr)`;
 *  - Bun.udpSocket `sendMany` in batches of 32 (one sendmmsg per batch);
 * The sink is a Bun.udpSocket in the same process with a 4 MB receive buffer, counting datagrams.
 * Prints per-packet costs. No assertions.
 */
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";

const i = process.argv.indexOf("--packets");
const N = i > 0 ? Number(process.argv[i + 1]) : 200_000;
const SIZE = 1232;
const BATCH = 32;
const CLK_TCK = 100;

function cpu(): number {
  const s = readFileSync("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

let received = 0;
const sink = await Bun.udpSocket({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    data() {
      received++;
    },
  },
});
try {
  (sink as any).setRecvBufferSize?.(4 << 20);
} catch {}
const port = sink.port;
const payload = Buffer.alloc(SIZE, 7);

/** Sends N packets in bursts of 100 (a frame's packets to one viewer), yielding to let the sink read. */
async function measure(name: string, send: (n: number) => void): Promise<void> {
  received = 0;
  const c0 = cpu();
  let busy = 0;
  for (let sent = 0; sent < N; ) {
    const n = Math.min(100, N - sent);
    const t = performance.now();
    send(n);
    busy += performance.now() - t;
    sent += n;
    await new Promise((r) => setImmediate(r));
  }
  await Bun.sleep(200);
  const c1 = cpu();
  console.log(
    `${name.padEnd(44)} sender wall ${((1000 * busy) / N).toFixed(2).padStart(5)} us/packet   process CPU ${((1e6 * (c1 - c0)) / N).toFixed(2).padStart(5)} us/packet   received ${((100 * received) / N).toFixed(1)} %`,
  );
}

const d1 = createSocket("udp4");
await new Promise<void>((r) => d1.bind(0, "127.0.0.1", () => r()));
await measure("node:dgram send(buf, port, addr) [werift]", (n) => {
  for (let k = 0; k < n; k++) d1.send(payload, port, "127.0.0.1");
});
const d2 = createSocket("udp4");
await new Promise<void>((r) => d2.bind(0, "127.0.0.1", () => r()));
await new Promise<void>((r) => d2.connect(port, "127.0.0.1", () => r()));
await measure("node:dgram connected send(buf)", (n) => {
  for (let k = 0; k < n; k++) d2.send(payload);
});
const b1 = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
await measure("Bun.udpSocket send(buf, port, addr)", (n) => {
  for (let k = 0; k < n; k++) b1.send(payload, port, "127.0.0.1");
});
const many: (Buffer | number | string)[] = [];
for (let k = 0; k < BATCH; k++) many.push(payload, port, "127.0.0.1");
await measure(`Bun.udpSocket sendMany (batches of ${BATCH})`, (n) => {
  let k = 0;
  for (; k + BATCH <= n; k += BATCH) b1.sendMany(many as any);
  for (; k < n; k++) b1.send(payload, port, "127.0.0.1");
});
d1.close();
d2.close();
b1.close();
sink.close();
