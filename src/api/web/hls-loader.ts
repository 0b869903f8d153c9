/**
 * hls.js (from npm, served prebuilt at `/assets/hls.min.js`) is loaded only when a player
 * falls back to HLS: most sessions play WebRTC and never pay for its 400 KB.
 */
import type Hls from "hls.js";

let loading: Promise<typeof Hls | null> | undefined;

/** The Hls class, or null when the browser plays HLS natively only (Safari) or loading failed. */
export function loadHls(): Promise<typeof Hls | null> {
  loading ??= new Promise((resolve) => {
    const w = window as unknown as { Hls?: typeof Hls };
    if (w.Hls) return resolve(w.Hls);
    const s = document.createElement("script");
    s.src = "/assets/hls.min.js";
    s.onload = () => resolve(w.Hls && w.Hls.isSupported() ? w.Hls : null);
    s.onerror = () => {
      loading = undefined;
      resolve(null);
    };
    document.head.append(s);
  });
  return loading;
}
