/**
 * `GET /v1/me`: who the token is, so a console can show only what its role may do.
 * Answers `{name, role}`; any valid token may ask (the request guard has checked it).
 */
import { Elysia } from "elysia";
import { UnauthorizedError } from "../../errors.ts";
import { principalOf } from "../auth.ts";

/** The `/me` route (mounted under the authenticated `/v1`). */
export function meRoutes() {
  return new Elysia().get("/me", ({ request }) => {
    const who = principalOf(request);
    if (!who) throw new UnauthorizedError("missing or wrong API token");
    return { name: who.name, role: who.role };
  });
}
