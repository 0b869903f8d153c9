/**
 * WHEP (draft-ietf-wish-whep) helpers of the player: wait for ICE gathering (no trickle:
 * the offer carries every candidate) and for the first decoded frame.
 */

/** Resolves when ICE gathering is complete or after `ms`, whichever is first. */
export function iceGathered(pc: RTCPeerConnection, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const timer = setTimeout(resolve, ms);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/**
 * Resolves with performance.now() at the first decoded frame, and how it was seen
 * (requestVideoFrameCallback or getStats); rejects after `ms` or when the connection fails.
 */
export function firstFrame(pc: RTCPeerConnection, video: HTMLVideoElement, ms: number): Promise<{ at: number; by: string }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, by = "") => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      pc.removeEventListener("connectionstatechange", onState);
      if (err) reject(err);
      else resolve({ at: performance.now(), by });
    };
    const timer = setTimeout(() => finish(new Error(`no video within ${ms / 1000} s`)), ms);
    const onState = () => {
      if (pc.connectionState === "failed" || pc.connectionState === "closed") finish(new Error(`connection ${pc.connectionState}`));
    };
    pc.addEventListener("connectionstatechange", onState);
    video.requestVideoFrameCallback?.(() => finish(null, "requestVideoFrameCallback"));
    const poll = setInterval(async () => {
      if (pc.signalingState === "closed") return finish(new Error("closed"));
      if (!video.srcObject) return; // decoded but not attached (no track event) is no picture
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((s: { type?: string; kind?: string; framesDecoded?: number }) => {
        if (s.type === "inbound-rtp" && s.kind === "video" && (s.framesDecoded ?? 0) > 0) finish(null, "getStats");
      });
    }, 50);
  });
}
