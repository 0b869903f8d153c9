/**
 * RTP and RTCP over UDP for the native RTSP client (RFC 2326 §12.39 `client_port`, RFC 3550
 * §11: RTP on an even port, RTCP on the next odd one), used only when a server refuses RTP over
 * TCP (461 Unsupported Transport; rtsp-server-perl answers 400). Packets are accepted only from
 * the camera's address (the RTSP connection's peer), so that nobody else on the network can
 * inject video. Receiver reports go back to the server's RTCP port.
 */
import type { udp } from "bun";

/** Where a UDP pair's packets go: 0 for RTP, 1 for RTCP (the interleaved channel numbers the receiver knows). */
export type UdpPacketHandler = (channel: 0 | 1, payload: Uint8Array) => void;

/** Lowest and highest client RTP port tried (even ports). */
const PORT_MIN = 20_000;
const PORT_MAX = 59_998;

/** An even/odd pair of bound UDP sockets for one RTP stream. */
export class RtpUdpPair {
  private serverRtcp: { address: string; port: number } | undefined;
  /** Datagrams dropped because they came from another address than the camera's. */
  foreign = 0;

  private constructor(
    private readonly rtp: udp.Socket<"uint8array">,
    private readonly rtcp: udp.Socket<"uint8array">,
  ) {}

  /** The client_port pair to put into SETUP. */
  get ports(): readonly [number, number] {
    return [this.rtp.port, this.rtcp.port];
  }

  /**
   * Binds two consecutive ports, RTP even (tries up to 20 random pairs).
   * @param peer the camera's IP address; datagrams from elsewhere are dropped (undefined: accept any)
   * @throws Error when no pair could be bound
   */
  static async open(peer: string | undefined, onPacket: UdpPacketHandler): Promise<RtpUdpPair> {
    const normal = (a: string) => a.replace(/^::ffff:/, "");
    const handler = (channel: 0 | 1, pair: { p?: RtpUdpPair }) => ({
      data: (_s: unknown, data: Uint8Array, _port: number, address: string) => {
        if (peer !== undefined && normal(address) !== normal(peer)) {
          if (pair.p) pair.p.foreign++;
          return;
        }
        onPacket(channel, data.slice()); // the assembler keeps views of what it is given
      },
    });
    let last: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = PORT_MIN + 2 * Math.floor(Math.random() * ((PORT_MAX - PORT_MIN) / 2));
      const holder: { p?: RtpUdpPair } = {};
      let rtp: udp.Socket<"uint8array"> | undefined;
      try {
        rtp = await Bun.udpSocket({ port, binaryType: "uint8array", socket: handler(0, holder) });
        const rtcp = await Bun.udpSocket({ port: port + 1, binaryType: "uint8array", socket: handler(1, holder) });
        holder.p = new RtpUdpPair(rtp, rtcp);
        return holder.p;
      } catch (e) {
        last = e;
        rtp?.close();
      }
    }
    throw new Error(`no free UDP port pair for RTP: ${String(last)}`);
  }

  /** Where receiver reports go: the server's RTCP port from the SETUP answer's `server_port`. */
  setServer(address: string, rtcpPort: number): void {
    this.serverRtcp = { address, port: rtcpPort };
  }

  /** Sends an RTCP packet to the server, if its port is known. */
  sendRtcp(packet: Uint8Array): void {
    if (this.serverRtcp && !this.rtcp.closed) this.rtcp.send(packet, this.serverRtcp.port, this.serverRtcp.address);
  }

  /** Closes both sockets. Idempotent. */
  close(): void {
    if (!this.rtp.closed) this.rtp.close();
    if (!this.rtcp.closed) this.rtcp.close();
  }
}
