/**
 * The systemd units in infra/systemd: `systemd-analyze verify` accepts them without a single
 * warning (it runs without systemd as PID 1, so it works in a container; the units are not
 * started here), and each has the settings docs/operations.md promises: the camserver user,
 * Restart=always, NoNewPrivileges, ProtectSystem=strict with the data and recordings
 * directories writable, and a memory limit.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { ROOT } from "../support/camserver.ts";

const DIR = `${ROOT}/infra/systemd`;
const UNITS = ["camserver-api.service", "camserver-worker.service"];
const analyze = Bun.which("systemd-analyze");
const skip = analyze === null && process.env.CI !== "true";
if (skip) console.warn("systemd-analyze not found (Debian package systemd; ./infra/install-deps --test installs it): skipping the unit verification");

/** The `[Service]` settings of a unit, key -> values in order. */
function serviceSettings(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = "";
  for (const raw of readFileSync(`${DIR}/${unit}`, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || line === "") continue;
    if (line.startsWith("[")) section = line;
    else if (section === "[Service]") {
      const eq = line.indexOf("=");
      const k = line.slice(0, eq);
      out.set(k, [...(out.get(k) ?? []), line.slice(eq + 1)]);
    }
  }
  return out;
}

describe.skipIf(skip)("systemd-analyze verify", () => {
  it("accepts both units without a warning", () => {
    const r = Bun.spawnSync([analyze ?? "systemd-analyze", "verify", "--man=no", ...UNITS.map((u) => `${DIR}/${u}`)], { stdout: "pipe", stderr: "pipe" });
    const out = `${r.stdout.toString()}${r.stderr.toString()}`.trim();
    expect(out).toBe("");
    expect(r.exitCode).toBe(0);
  });
});

describe.each(UNITS)("%s", (unit) => {
  const s = serviceSettings(unit);
  const one = (k: string) => s.get(k)?.at(-1);

  it("runs as the camserver user and always restarts", () => {
    expect([one("User"), one("Group"), one("Restart")]).toEqual(["camserver", "camserver", "always"]);
  });

  it("cannot gain privileges and sees the system read-only but for the data and recordings directories", () => {
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict");
    expect(one("StateDirectory")).toBe("camserver");
    const env = (s.get("Environment") ?? []).join(" ");
    expect(env).toContain("DATA_DIR=/var/lib/camserver");
    expect(env).toContain("RECORDINGS_DIR=/srv/camserver/recordings");
    expect(one("ReadWritePaths")).toBe("/srv/camserver/recordings");
  });

  it("has a memory limit", () => {
    expect(one("MemoryMax")).toMatch(/^\d+[KMG]$/);
  });
});
