/**
 * The Settings page: this browser's console preferences (src/api/web/prefs.ts): how long a
 * new event's suggestion plays, and HLS only.
 */
import { byId, say } from "./dom.ts";
import { loadPrefs, savePrefs, SUGGEST_S, type Prefs } from "./prefs.ts";

/** Binds the settings form; `onChange` gets the saved preferences. */
export function bindSettings(onChange: (p: Prefs) => void): void {
  const form = byId<HTMLFormElement>("settings-form");
  const suggest = byId<HTMLInputElement>("pref-suggest");
  const hls = byId<HTMLInputElement>("pref-hls");
  const status = byId("settings-status");
  suggest.min = String(SUGGEST_S.min);
  suggest.max = String(SUGGEST_S.max);
  const show = () => {
    const p = loadPrefs();
    suggest.value = String(p.suggestS);
    hls.checked = p.forceHls;
  };
  show();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const s = Number(suggest.value);
    if (!Number.isInteger(s) || s < SUGGEST_S.min || s > SUGGEST_S.max)
      return say(status, `suggestion time must be a whole number ${SUGGEST_S.min}-${SUGGEST_S.max}`, true);
    const p = { suggestS: s, forceHls: hls.checked };
    savePrefs(p);
    say(status, "saved");
    onChange(p);
  });
}
