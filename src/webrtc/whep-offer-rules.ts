/**
 * What a WHEP offer (draft-ietf-wish-whep §4.2) may ask of camserver before any socket is
 * opened for it: checked by the API before the offer is queued and again by the holder's
 * hub before werift sees it. An offer may hold one video section (H.264) and at most one
 * audio section (answered inactive), each `recvonly` or `sendrecv` (RFC 8866 §6.7: the
 * direction of a media section, else of the session, else `sendrecv`), with a DTLS
 * fingerprint (RFC 8122 §5) and ICE credentials (RFC 8839 §5.4) at session or media
 * level. Every further section would cost ICE sockets and CPU on the holder's process.
 */
import { BadRequestError, PayloadTooLargeError } from "../errors.ts";

/** Largest offer, bytes (one video and one audio section take about 6 KiB). */
export const MAX_OFFER_BYTES = 32 * 1024;
/** Most lines of an offer. */
export const MAX_OFFER_LINES = 600;
/** Most ICE candidates an offer may carry (each costs connectivity checks). */
export const MAX_OFFER_CANDIDATES = 16;

const DIRECTIONS = new Set(["sendrecv", "sendonly", "recvonly", "inactive"]);

interface Section {
  readonly kind: string;
  readonly proto: string;
  direction?: string;
  fingerprint: boolean;
  ufrag: boolean;
  pwd: boolean;
  h264: boolean;
}

const bad = (why: string) => new BadRequestError(`bad SDP offer: ${why}`);

/**
 * Checks an offer against the rules above.
 * @throws PayloadTooLargeError (413) above 32 KiB; BadRequestError (400) naming the broken rule
 */
export function checkWhepOffer(sdp: string): void {
  if (sdp.length > MAX_OFFER_BYTES || Buffer.byteLength(sdp) > MAX_OFFER_BYTES)
    throw new PayloadTooLargeError(`request body too large: an SDP offer is at most ${MAX_OFFER_BYTES / 1024} KiB`);
  const lines = sdp.split(/\r?\n/, MAX_OFFER_LINES + 1);
  if (lines[0] !== "v=0") throw bad("it must start with v=0");
  const session: Omit<Section, "kind" | "proto"> = { fingerprint: false, ufrag: false, pwd: false, h264: false };
  const sections: Section[] = [];
  let candidates = 0;
  for (const [i, line] of lines.entries()) {
    if (i === MAX_OFFER_LINES) throw bad(`more than ${MAX_OFFER_LINES} lines`);
    const cur: Omit<Section, "kind" | "proto"> = sections.at(-1) ?? session;
    if (line.startsWith("m=")) {
      const [kind = "", port = "", proto = ""] = line.slice(2).split(" ");
      if (kind !== "video" && kind !== "audio") throw bad(`an m=${kind.slice(0, 16)} section is not served (one video and at most one audio section)`);
      if (!/^\d{1,5}$/.test(port) || !proto.includes("SAVPF")) throw bad(`m=${kind} must be UDP/TLS/RTP/SAVPF with a port`);
      sections.push({ kind, proto, fingerprint: false, ufrag: false, pwd: false, h264: false });
      if (sections.filter((s) => s.kind === kind).length > 1) throw bad(`more than one ${kind} section (one video and at most one audio section are served)`);
    } else if (line.startsWith("a=")) {
      const attr = line.slice(2);
      if (DIRECTIONS.has(attr)) cur.direction = attr;
      else if (attr.startsWith("fingerprint:")) cur.fingerprint = /^fingerprint:\S+ [0-9A-Fa-f:]{20,}$/.test(attr);
      else if (attr.startsWith("ice-ufrag:")) cur.ufrag = attr.length > 10;
      else if (attr.startsWith("ice-pwd:")) cur.pwd = attr.length > 8;
      else if (/^rtpmap:\d+ H264\/90000$/i.test(attr)) cur.h264 = true;
      else if (attr.startsWith("candidate:") && ++candidates > MAX_OFFER_CANDIDATES) throw bad(`more than ${MAX_OFFER_CANDIDATES} ICE candidates`);
    }
  }
  const video = sections.find((s) => s.kind === "video");
  if (!video) throw bad("no m=video section");
  if (!video.h264) throw bad("no H.264 payload offered in the video section");
  for (const s of sections) {
    const direction = s.direction ?? session.direction ?? "sendrecv";
    if (direction !== "recvonly" && direction !== "sendrecv") throw bad(`the ${s.kind} section is ${direction}: a WHEP offer must be recvonly or sendrecv`);
    if (!s.fingerprint && !session.fingerprint) throw bad(`no DTLS fingerprint (a=fingerprint) for the ${s.kind} section`);
    if (!s.ufrag && !session.ufrag) throw bad(`no ICE credentials (a=ice-ufrag) for the ${s.kind} section`);
    if (!s.pwd && !session.pwd) throw bad(`no ICE credentials (a=ice-pwd) for the ${s.kind} section`);
  }
}
