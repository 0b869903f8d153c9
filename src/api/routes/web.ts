/**
 * The operator console at `/` and its assets. The console's TypeScript (src/api/web/*.ts)
 * is bundled once at start-up by `Bun.build` into `/assets/app.js` (an ES module); hls.js
 * comes prebuilt from npm as `/assets/hls.min.js` and is loaded by the page only when a
 * player falls back to HLS. Everything is built or read once; nothing is served from a
 * user-given path.
 * Every answer carries a Content Security Policy (CSP Level 3) that allows only this
 * origin's scripts and styles (no inline code), `blob:` for hls.js's worker and media
 * source, no framing (`frame-ancestors 'none'`, clickjacking), `nosniff`, and no referrer
 * (the page may carry its token in the URL fragment at first load).
 */
import { Elysia } from "elysia";
import { pageSecurityHeaders } from "../page-security-headers.ts";

/** The page's security headers. */
export const PAGE_SECURITY_HEADERS = pageSecurityHeaders([
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
]);

const here = new URL("../web/", import.meta.url).pathname;

/** The console bundle failed to build (a broken source file). */
export class ConsoleBuildError extends Error {
  constructor(readonly logs: readonly unknown[]) {
    super(`console bundle failed: ${logs.map(String).join("; ").slice(0, 2000)}`);
    this.name = new.target.name;
  }
}

/**
 * Bundles the console (entry `src/api/web/main.ts`), minified, for browsers.
 * @returns the JavaScript text @throws ConsoleBuildError
 */
export async function buildConsole(): Promise<string> {
  const result = await Bun.build({ entrypoints: [`${here}main.ts`], target: "browser", format: "esm", minify: true, sourcemap: "none" });
  const out = result.outputs[0];
  if (!result.success || !out) throw new ConsoleBuildError(result.logs);
  return out.text();
}

/** Page and asset routes. */
export async function webRoutes() {
  const respond = (body: string, type: string) => () =>
    new Response(body, { headers: { "content-type": type, "cache-control": "no-cache", ...PAGE_SECURITY_HEADERS } });
  const [index, css, hls, app] = await Promise.all([
    Bun.file(`${here}index.html`).text(),
    Bun.file(`${here}app.css`).text(),
    Bun.file(Bun.resolveSync("hls.js/dist/hls.min.js", here)).text(),
    buildConsole(),
  ]);
  const js = "text/javascript; charset=utf-8";
  return new Elysia()
    .get("/", respond(index, "text/html; charset=utf-8"))
    .get("/assets/app.js", respond(app, js))
    .get("/assets/app.css", respond(css, "text/css; charset=utf-8"))
    .get("/assets/hls.min.js", respond(hls, js));
}
