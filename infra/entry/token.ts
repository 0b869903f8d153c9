/**
 * `bun run token`: API tokens with roles in camserver's database (DATABASE_URL, or SQLite
 * under DATA_DIR, as the server uses).
 *
 *   bun run token create --role viewer|admin --name NAME   prints the token once
 *   bun run token list                                     ids, names, roles, states
 *   bun run token revoke ID                                the token stops working at once
 *
 * `API_TOKEN` stays the bootstrap admin and is not listed. Exit 2 on a usage error.
 */
import { ApiTokensRepository, TOKEN_ROLES } from "../../src/db/api-tokens-repository.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { DomainError } from "../../src/errors.ts";
import { configOrExit } from "../../src/lifecycle.ts";

const USAGE = `usage: bun run token create --role ${TOKEN_ROLES.join("|")} --name NAME | list | revoke ID`;

function fail(message: string): never {
  console.error(`camserver token: ${message}`);
  process.exit(2);
}

/** The value after `--flag`, or undefined. */
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const [command, ...args] = process.argv.slice(2);
if (command !== "create" && command !== "list" && command !== "revoke") fail(USAGE);
const config = configOrExit();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const tokens = new ApiTokensRepository(database.db);
try {
  if (command === "create") {
    const role = flag(args, "role") ?? fail(USAGE);
    const name = flag(args, "name") ?? fail(USAGE);
    const { info, token } = await tokens.create(role, name);
    console.log(`created token ${info.id} "${info.name}" (${info.role}); it is shown only now:`);
    console.log(token);
  } else if (command === "list") {
    const all = await tokens.list();
    console.log(["id", "role", "state", "created", "name"].join("\t"));
    for (const t of all) {
      const state = t.revokedAt === null ? "valid" : `revoked ${new Date(t.revokedAt).toISOString()}`;
      console.log([t.id, t.role, state, new Date(t.createdAt).toISOString(), t.name].join("\t"));
    }
  } else {
    const raw = args[0] ?? "";
    if (!/^\d{1,15}$/.test(raw)) fail(USAGE);
    const info = await tokens.revoke(Number(raw));
    console.log(`revoked token ${info.id} "${info.name}" (${info.role})`);
  }
} catch (err) {
  if (err instanceof DomainError) fail(err.message);
  throw err;
} finally {
  await database.close();
}
