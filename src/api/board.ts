/**
 * Bull Board at `/admin/queues`: every request and pipeline job with its result or the
 * reason it failed. `@bull-board/elysia` pins an api version that breaks with bullmq 6
 * (its Redis page fails), so the Hono adapter is used and Elysia forwards to it. The board's
 * packages load on the first page request (they cost ~50 ms of start-up), and the queue
 * list is refreshed on each request, so cameras added later appear.
 *
 * Browsers resend Basic credentials to any page that asks, so the board guards its writes
 * against other sites' pages (CSRF): viewers get a read-only board (the role check itself
 * is in src/api/auth.ts), and an admin's write must come from this origin (`Origin`,
 * `Sec-Fetch-Site`) and, if it is a POST or has a body, be `application/json` — a type no
 * cross-site form or simple request can send. Body-less PUT/PATCH from the board's own
 * page carry no Content-Type (and another origin cannot send them without a preflight).
 */
import type { Queue } from "bullmq";
import { ForbiddenError, UnsupportedMediaTypeError } from "../errors.ts";
import { principalOf } from "./auth.ts";

/** The board's base path. */
export const BOARD_PATH = "/admin/queues";

type Board = { replace: (queues: Queue[]) => void; fetch: (request: Request) => Response | Promise<Response> };

async function loadBoard(readOnlyMode: boolean): Promise<Board> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { Hono }, { serveStatic }] = await Promise.all([
    import("@bull-board/api"),
    import("@bull-board/api/bullMQAdapter"),
    import("@bull-board/hono"),
    import("hono"),
    import("hono/bun"),
  ]);
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(BOARD_PATH);
  const board = createBullBoard({ queues: [], serverAdapter: adapter });
  const hono = new Hono();
  hono.route(BOARD_PATH, adapter.registerPlugin());
  return {
    replace: (queues) => board.replaceQueues(queues.map((q) => new BullMQAdapter(q, { readOnlyMode }))),
    fetch: (request) => hono.fetch(request),
  };
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // "null" (sandboxed frames, file:) is never this origin
  }
}

const isRead = (method: string) => method === "GET" || method === "HEAD" || method === "OPTIONS";

/**
 * Refuses a write that another site's page could have sent.
 * @throws ForbiddenError (cross-origin), UnsupportedMediaTypeError (not JSON)
 */
export function checkBoardWrite(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") throw new ForbiddenError(`Bull Board refuses ${site} writes`);
  const origin = request.headers.get("origin");
  if (origin !== null && originHost(origin) !== request.headers.get("host")) throw new ForbiddenError("Bull Board refuses writes from another origin");
  const hasBody = request.method === "POST" || request.headers.has("transfer-encoding") || Number(request.headers.get("content-length") ?? 0) > 0;
  if (hasBody && !/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
    throw new UnsupportedMediaTypeError("Bull Board writes must be application/json");
  }
}

/** A fetch handler serving Bull Board over the queues `queues()` lists at each request. */
export function createBoard(queues: () => Promise<Queue[]>) {
  const boards: { admin?: Promise<Board>; viewer?: Promise<Board> } = {};
  return {
    /**
     * Serves one board request; `body` is the text the request guard read (bounded).
     * @throws ForbiddenError, UnsupportedMediaTypeError for a write other sites could send
     */
    async fetch(request: Request, body: unknown): Promise<Response> {
      const admin = principalOf(request)?.role === "admin";
      if (!isRead(request.method)) checkBoardWrite(request);
      const b = await (admin ? (boards.admin ??= loadBoard(false)) : (boards.viewer ??= loadBoard(true)));
      b.replace(await queues());
      const forwarded = isRead(request.method)
        ? request
        : new Request(request.url, { method: request.method, headers: request.headers, body: typeof body === "string" ? body : undefined });
      const res = await b.fetch(forwarded);
      // Hono answers unknown board paths with text; every error of the API is JSON.
      if (res.status >= 400 && !(res.headers.get("content-type") ?? "").includes("json")) {
        return new Response(JSON.stringify({ error: res.status === 404 ? "not found" : `Bull Board answered ${res.status}` }), {
          status: res.status,
          headers: { "content-type": "application/json" },
        });
      }
      return res;
    },
  };
}
