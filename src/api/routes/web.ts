/**
 * The browser page at `/` and its assets: the camera list and a modal player (WebRTC over
 * WHEP, falling back to HLS with hls.js).
 * Files are read once at start-up; nothing is served from a user-given path.
 * Every answer carries a Content Security Policy (CSP Level 3) that allows only this
 * origin's scripts and styles (no inline code), `blob:` for hls.js's worker and media
 * source, no framing (`frame-ancestors 'none'`, clickjacking), `nosniff`, and no referrer
 * (the page may carry its token in the URL fragment at first load).
 */
import { Elysia } from "elysia";

/** The page's security headers. */
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

const here = new URL("../web/", import.meta.url).pathname;

/** Page and asset routes. */
export async function webRoutes() {
  const asset = async (path: string, type: string) => {
    const body = await Bun.file(path).text();
    return () => new Response(body, { headers: { "content-type": type, "cache-control": "no-cache", ...PAGE_SECURITY_HEADERS } });
  };
  const index = await asset(`${here}index.html`, "text/html; charset=utf-8");
  const app = await asset(`${here}app.js`, "text/javascript; charset=utf-8");
  const css = await asset(`${here}app.css`, "text/css; charset=utf-8");
  const hls = await asset(Bun.resolveSync("hls.js/dist/hls.min.js", here), "text/javascript; charset=utf-8");
  return new Elysia().get("/", index).get("/assets/app.js", app).get("/assets/app.css", css).get("/assets/hls.min.js", hls);
}
