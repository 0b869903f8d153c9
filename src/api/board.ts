/**
 * Bull Board at `/admin/queues`: every request and pipeline job with its result or the
 * reason it failed. `@bull-board/elysia` pins an api version that breaks with bullmq 6
 * (STACK-NOTES), so the Hono adapter is used and Elysia forwards to it. The queue list is
 * refreshed on each page load, so cameras added later appear.
 */
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import type { Queue } from "bullmq";
import { Hono } from "hono";
import { serveStatic } from "hono/bun";

/** The board's base path. */
export const BOARD_PATH = "/admin/queues";

/** A Hono app serving Bull Board, and a refresh of its queue list. */
export function createBoard(queues: () => Promise<Queue[]>) {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(BOARD_PATH);
  const board = createBullBoard({ queues: [], serverAdapter: adapter });
  const hono = new Hono();
  hono.route(BOARD_PATH, adapter.registerPlugin());
  return {
    async fetch(request: Request): Promise<Response> {
      board.replaceQueues((await queues()).map((q) => new BullMQAdapter(q, { readOnlyMode: false })));
      return hono.fetch(request);
    },
  };
}
