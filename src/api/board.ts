/**
 * Bull Board at `/admin/queues`: every request and pipeline job with its result or the
 * reason it failed. `@bull-board/elysia` pins an api version that breaks with bullmq 6
 * (STACK-NOTES), so the Hono adapter is used and Elysia forwards to it. The board's
 * packages load on the first page request (they cost ~50 ms of start-up), and the queue
 * list is refreshed on each request, so cameras added later appear.
 */
import type { Queue } from "bullmq";

/** The board's base path. */
export const BOARD_PATH = "/admin/queues";

type Board = { replace: (queues: Queue[]) => void; fetch: (request: Request) => Response | Promise<Response> };

async function loadBoard(): Promise<Board> {
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
    replace: (queues) => board.replaceQueues(queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false }))),
    fetch: (request) => hono.fetch(request),
  };
}

/** A fetch handler serving Bull Board over the queues `queues()` lists at each request. */
export function createBoard(queues: () => Promise<Queue[]>) {
  let board: Promise<Board> | undefined;
  return {
    async fetch(request: Request): Promise<Response> {
      const b = await (board ??= loadBoard());
      b.replace(await queues());
      return b.fetch(request);
    },
  };
}
