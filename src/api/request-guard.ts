/**
 * The first thing every request meets (an Elysia plugin with global hooks): before the
 * route is found and before any body byte is read, the token is checked (src/api/auth.ts:
 * 401, 403) and an announced body larger than the route reads is refused (413). Bodies are
 * then read bounded (src/api/body-limit.ts): JSON whatever Content-Type a client sends
 * (curl -d sends form encoding), SDP and Bull Board bodies as text for their routes.
 */
import { Elysia } from "elysia";
import { BadRequestError, DomainError } from "../errors.ts";
import type { Authenticator } from "./auth.ts";
import { bodyLimit, checkDeclaredLength, isSdpPath, readBoundedText } from "./body-limit.ts";
import { BOARD_PATH } from "./board.ts";

/** A JSON error answer, as `error-status.ts` shapes them, for hooks that answer before routing. */
function answer(err: DomainError, pathname: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (err.status === 401) headers["www-authenticate"] = `${pathname.startsWith(BOARD_PATH) ? "Basic" : "Bearer"} realm="camserver"`;
  return new Response(JSON.stringify({ error: err.message }), { status: err.status, headers });
}

const isBoard = (pathname: string) => pathname === BOARD_PATH || pathname.startsWith(`${BOARD_PATH}/`);

/** Token check and bounded bodies for every route of the app it is used in. */
export function requestGuard(auth: Authenticator) {
  return new Elysia({ name: "request-guard" })
    .onRequest(async ({ request }) => {
      const { pathname } = new URL(request.url);
      try {
        await auth.authorize(request, pathname);
        checkDeclaredLength(request, bodyLimit(pathname));
      } catch (err) {
        if (err instanceof DomainError) return answer(err, pathname);
        throw err;
      }
    })
    .onParse({ as: "global" }, async ({ request }) => {
      const { pathname } = new URL(request.url);
      const text = await readBoundedText(request, bodyLimit(pathname));
      if (isSdpPath(pathname) || isBoard(pathname)) return text;
      if (text === "") return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new BadRequestError("malformed JSON body");
      }
    });
}
