/**
 * The console's API token: kept in sessionStorage only (gone when the tab closes, never in
 * localStorage, never in a URL the browser sends). A `#token=...` fragment (the address
 * `bun run start` prints; fragments never leave the browser) is taken once and removed from
 * the address bar at once.
 */

const KEY = "camserver-token";

/** The token of this tab, or "" when signed out. */
export function currentToken(): string {
  return sessionStorage.getItem(KEY) ?? "";
}

/** Stores the token for this tab. */
export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Forgets the token (sign out). */
export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Moves a `#token=` fragment into sessionStorage and strips it from the address. */
export function takeTokenFromFragment(): void {
  const raw = location.hash.slice(1);
  const q = raw.indexOf("?");
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : raw.includes("=") ? raw : "");
  const token = params.get("token");
  if (!token) return;
  setToken(token);
  params.delete("token");
  const path = q >= 0 ? raw.slice(0, q) : raw.includes("=") ? "" : raw;
  const rest = params.toString();
  history.replaceState(null, "", `${location.pathname}${location.search}${path || rest ? "#" : ""}${path}${rest ? (path ? "?" : "") + rest : ""}`);
}
