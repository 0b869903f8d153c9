/**
 * RTP packetizer micro benchmark (not a bun test): `bun test/bench/rtp-packetize.ts [--seconds S]`.
 *
 * Ten seconds of synthetic 720p30 H.264 at about 4 Mbit/s (1 s GOP: an IDR of ~60 KB with SPS
 * and PPS in front, then 29 P frames of ~15 KB; random bytes, sizes jittered +-20 %), packetized
 * at MTU 1200 over and over for S seconds (default 2) by camserver's H264Packetizer, by werift
 * 0.25.2's H264Packetizer (AVCC input, for comparison), and depacketized by H264Depacketizer.
 * Prints packets/s, MB/s of NAL unit bytes, and the share of one core a single 4 Mbit/s camera
 * costs. No assertions.
 */
import { H264Packetizer as WeriftPacketizer } from "werift";
import { FPS, syntheticStream } from "./kit/synthetic-stream.ts";
import { H264Depacketizer } from "../../src/media/rtp/h264-depacketizer.ts";
import { H264Packetizer } from "../../src/media/rtp/h264-packetizer.ts";
import { nalBytes } from "../../src/media/nal-unit.ts";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 2;
const { aus, auBytes } = syntheticStream();
const avcc = aus.map((a) =>
  Buffer.concat(a.nalus.flatMap((n) => [Buffer.from(new Uint8Array(new Uint32Array([n.byteLength]).buffer).reverse()), Buffer.from(nalBytes(n))])),
);

function run(name: string, pass: () => number): void {
  for (let w = 0; w < 3; w++) pass(); // warm-up
  let packets = 0;
  let passes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    packets += pass();
    passes++;
  }
  const s = (performance.now() - t0) / 1000;
  const videoSeconds = (passes * aus.length) / FPS;
  console.log(
    `${name.padEnd(34)} ${(packets / s / 1e3).toFixed(0).padStart(7)} k packets/s ${((passes * auBytes) / s / 1e6).toFixed(0).padStart(6)} MB/s` +
      `   one 4 Mbit/s camera = ${((100 * s) / videoSeconds).toFixed(3)} % of a core`,
  );
}

console.log(`${aus.length} AUs, ${(auBytes / 1e6).toFixed(2)} MB (${((auBytes * 8) / 10 / 1e6).toFixed(2)} Mbit/s), MTU 1200, ${seconds} s per row`);
const ours = new H264Packetizer({ ssrc: 1 });
run("camserver H264Packetizer", () => aus.reduce((n, a) => n + ours.packetize(a).length, 0));
const werift = new WeriftPacketizer({ ssrc: 1, sequenceNumber: 0, inputFormat: "length-prefixed" });
run("werift 0.25.2 H264Packetizer", () => avcc.reduce((n, b, i) => n + werift.packetize(b, aus[i]!.pts).map((p) => p.serialize()).length, 0));
const sender = new H264Packetizer({ ssrc: 1 });
const stream = aus.flatMap((a) => sender.packetize(a));
run("camserver H264Depacketizer", () => {
  const d = new H264Depacketizer();
  for (const p of stream) d.push(p);
  return stream.length;
});
console.log(`${stream.length} packets per 10 s of video (${(stream.length / 10).toFixed(0)} packets/s per camera)`);
