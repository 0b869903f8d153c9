/**
 * Console preferences of this browser (localStorage: nothing secret here; the token lives
 * in sessionStorage only): how long a suggestion plays after a new event, and whether live
 * views skip WebRTC. `#mode=hls` in the address forces HLS too (kept for old links).
 */

/** The preferences. */
export interface Prefs {
  /** Seconds a new event's suggestion plays; 0: new events never start playback. */
  suggestS: number;
  /** Play HLS only. */
  forceHls: boolean;
}

const KEY = "camserver-console-prefs";
/** Default and bounds of `suggestS`. */
export const SUGGEST_S = { min: 0, max: 600, default: 30 } as const;

/** The stored preferences, defaults for anything missing or bad. */
export function loadPrefs(): Prefs {
  let raw: Partial<Prefs> = {};
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Prefs>;
  } catch {}
  const s = Number(raw.suggestS);
  return {
    suggestS: Number.isInteger(s) && s >= SUGGEST_S.min && s <= SUGGEST_S.max ? s : SUGGEST_S.default,
    forceHls: raw.forceHls === true,
  };
}

/** Stores the preferences. */
export function savePrefs(p: Prefs): void {
  localStorage.setItem(KEY, JSON.stringify(p));
}

/** The address asks for HLS (`#mode=hls`, or `?mode=hls` after a page in the fragment). */
export function hlsForcedByAddress(): boolean {
  const raw = location.hash.slice(1);
  const q = raw.indexOf("?");
  return new URLSearchParams(q >= 0 ? raw.slice(q + 1) : raw).get("mode") === "hls";
}
