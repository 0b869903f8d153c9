/**
 * The browser page at `/` and its assets: the camera list and a modal player (WebRTC over
 * WHEP, falling back to HLS with hls.js).
 * Files are read once at start-up; nothing is served from a user-given path.
 */
import { Elysia } from "elysia";

const here = new URL("../web/", import.meta.url).pathname;

/** Page and asset routes. */
export async function webRoutes() {
  const asset = async (path: string, type: string) => {
    const body = await Bun.file(path).text();
    return () => new Response(body, { headers: { "content-type": type, "cache-control": "no-cache" } });
  };
  const index = await asset(`${here}index.html`, "text/html; charset=utf-8");
  const app = await asset(`${here}app.js`, "text/javascript; charset=utf-8");
  const css = await asset(`${here}app.css`, "text/css; charset=utf-8");
  const hls = await asset(Bun.resolveSync("hls.js/dist/hls.min.js", here), "text/javascript; charset=utf-8");
  return new Elysia().get("/", index).get("/assets/app.js", app).get("/assets/app.css", css).get("/assets/hls.min.js", hls);
}
