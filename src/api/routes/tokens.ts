/**
 * `/v1/tokens`: API token administration for the console's admin page, admins only (reads
 * too: token names and roles are not for viewers). `GET` lists tokens (never the tokens
 * themselves, which are stored as SHA-256 only), `POST {name, role}` creates one and answers
 * its plain token once, `POST /v1/tokens/:id/revoke` revokes one (idempotent).
 */
import { Elysia } from "elysia";
import type { ApiTokenInfo, ApiTokensRepository } from "../../db/api-tokens-repository.ts";
import { ForbiddenError, ValidationError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { principalOf } from "../auth.ts";

/** A token as the API shows it. */
export function publicToken(t: ApiTokenInfo) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    created_at: new Date(t.createdAt).toISOString(),
    revoked_at: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
  };
}

function requireAdmin(request: Request): string {
  const who = principalOf(request);
  if (who?.role !== "admin") throw new ForbiddenError("only admins may manage tokens");
  return who.name;
}

/** Token routes (mounted under the authenticated `/v1`). */
export function tokenRoutes(d: { readonly tokenAdmin: Pick<ApiTokensRepository, "create" | "list" | "revoke">; readonly log: Logger }) {
  return new Elysia()
    .get("/tokens", async ({ request }) => {
      requireAdmin(request);
      return (await d.tokenAdmin.list()).map(publicToken);
    })
    .post("/tokens", async ({ request, body, set }) => {
      const actor = requireAdmin(request);
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("body", "must be a JSON object");
      const b = body as Record<string, unknown>;
      for (const k of Object.keys(b)) if (k !== "name" && k !== "role") throw new ValidationError(k.slice(0, 64), "unknown field");
      if (typeof b.name !== "string") throw new ValidationError("name", "is required");
      if (typeof b.role !== "string") throw new ValidationError("role", "is required");
      const { info, token } = await d.tokenAdmin.create(b.role, b.name);
      d.log.info({ token: info.id, role: info.role, by: actor }, "token created");
      set.status = 201;
      return { ...publicToken(info), token };
    })
    .post("/tokens/:id/revoke", async ({ request, params }) => {
      const actor = requireAdmin(request);
      if (!/^\d{1,15}$/.test(params.id)) throw new ValidationError("id", "must be a token id");
      const info = await d.tokenAdmin.revoke(Number(params.id));
      d.log.info({ token: info.id, by: actor }, "token revoked");
      return publicToken(info);
    });
}
