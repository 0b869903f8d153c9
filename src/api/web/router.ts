/**
 * Pages by address fragment: `#/cameras` (default), `#/recordings?camera=ID&at=MS`,
 * `#/settings`, `#/admin`. A fragment of only parameters (`#mode=hls`, the old page's
 * form) means the default page. Fragments never reach the server.
 */

/** The console's pages. */
export const PAGES = ["cameras", "recordings", "settings", "admin"] as const;
export type Page = (typeof PAGES)[number];

/** Where the address points. */
export interface Route {
  readonly page: Page;
  readonly params: URLSearchParams;
}

/** Reads a fragment such as `#/recordings?camera=a&at=1`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw.includes("=") ? "" : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : raw.includes("=") ? raw : "");
  const name = path.replace(/^\//, "");
  return { page: (PAGES as readonly string[]).includes(name) ? (name as Page) : "cameras", params };
}

/** The fragment of a page with parameters. */
export function routeHash(page: Page, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `#/${page}${q ? `?${q}` : ""}`;
}
