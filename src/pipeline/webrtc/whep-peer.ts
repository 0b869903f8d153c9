/**
 * Answers a WHEP offer (draft-ietf-wish-whep) with a werift peer connection that sends
 * one H.264 video track. The answer is forced to packetization-mode 1 (werift otherwise
 * answers the offer's first H.264 entry, which from Chromium can be mode 0; measured with Chromium 156)
 * by giving the track H.264 mode-1 source codecs before the offer is applied. ICE is
 * gathered completely before answering (no trickle), so the answer holds every candidate.
 */
import { MediaStreamTrack, RTCPeerConnection, setTrackSourceCodecs, useH264, type RTCRtpSender } from "werift";
import { BadRequestError } from "../../errors.ts";
import { checkWhepOffer } from "../../webrtc/whep-offer-rules.ts";

/** Network settings of the server's ICE agent. */
export interface WebRtcNetwork {
  /** Extra host candidate addresses (`WEBRTC_PUBLIC_IPS`), e.g. the host's LAN or public IP. */
  readonly publicIps: readonly string[];
  /** UDP port range for ICE (`WEBRTC_PORT_RANGE`), inclusive; undefined = any port. */
  readonly portRange: readonly [number, number] | undefined;
}

/** An answered peer. */
export interface AnsweredPeer {
  readonly pc: RTCPeerConnection;
  readonly sender: RTCRtpSender;
  /** The answer SDP with all server ICE candidates. */
  readonly answer: string;
}

const H264_MODE1 = "level-asymmetry-allowed=1;packetization-mode=1";
/** Gathering host candidates takes milliseconds; give up well before the client does. */
const GATHER_TIMEOUT_MS = 3000;

/**
 * Checks an offer before werift sees it (src/webrtc/whep-offer-rules.ts: one video and at
 * most one audio section, recvonly or sendrecv, fingerprint, ICE credentials, 32 KiB).
 * @throws BadRequestError naming what is wrong, PayloadTooLargeError
 */
export function checkOffer(sdp: string): void {
  checkWhepOffer(sdp);
}

/**
 * Creates a peer connection answering `offer` with a sendonly H.264 track.
 * @throws BadRequestError when the offer is malformed or has no H.264 in packetization-mode 1
 */
export async function answerOffer(offer: string, net: WebRtcNetwork): Promise<AnsweredPeer> {
  checkOffer(offer);
  const pc = new RTCPeerConnection({
    // werift defaults to a public STUN server: camserver gathers host candidates only.
    iceServers: [],
    codecs: { video: [useH264({ parameters: H264_MODE1 })] },
    iceAdditionalHostAddresses: net.publicIps.length > 0 ? [...net.publicIps] : undefined,
    icePortRange: net.portRange ? [net.portRange[0], net.portRange[1]] : undefined,
  });
  try {
    const track = new MediaStreamTrack({ kind: "video" });
    setTrackSourceCodecs(track, [useH264({ parameters: "packetization-mode=1" })]);
    const transceiver = pc.addTransceiver(track, { direction: "sendonly" });
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
    } catch (err) {
      throw new BadRequestError(`bad SDP offer: ${(err as Error).message}`);
    }
    const answer = await pc.createAnswer();
    if (!/^a=fmtp:\d+ .*packetization-mode=1/m.test(answer.sdp)) {
      throw new BadRequestError("bad SDP offer: no H.264 with packetization-mode=1 offered");
    }
    await pc.setLocalDescription(answer);
    await gathered(pc);
    return { pc, sender: transceiver.sender, answer: pc.localDescription!.sdp };
  } catch (err) {
    await pc.close();
    throw err;
  }
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === "complete") return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sub: { unSubscribe: () => void } | undefined;
  try {
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      sub = pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
  } finally {
    clearTimeout(timer);
    sub?.unSubscribe();
  }
}
