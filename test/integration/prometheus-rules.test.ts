/**
 * The Prometheus configuration, alerting rules and Grafana dashboard in infra/: checked
 * and unit-tested with promtool (Debian's `prometheus` package, installed by
 * `infra/install-deps --test`), and every camserver metric they name exists in
 * src/metrics.ts, so a renamed metric breaks this test instead of an alert.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { registry } from "../../src/metrics.ts";
import { ROOT } from "../support/camserver.ts";

const PROMETHEUS = `${ROOT}/infra/prometheus`;
const promtool = Bun.which("promtool");
const skip = promtool === null && process.env.CI !== "true";
if (skip) console.warn("promtool not found (Debian package prometheus; ./infra/install-deps --test installs it): skipping the promtool checks");

function run(...args: string[]): { code: number; out: string } {
  const r = Bun.spawnSync([promtool ?? "promtool", ...args], { cwd: PROMETHEUS, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: `${r.stdout.toString()}${r.stderr.toString()}` };
}

/** Metric names this process exports, with the series names a histogram adds. */
function exported(): Set<string> {
  const names = new Set<string>();
  for (const m of registry.getMetricsAsArray() as unknown as { name: string; type: string }[]) {
    names.add(m.name);
    if (m.type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m.name + s);
  }
  return names;
}

/** `camserver_*` names used in a text. */
const camserverNames = (text: string) => new Set(text.match(/\bcamserver_[a-z0-9_]+/g) ?? []);

describe.skipIf(skip)("Prometheus rules and configuration", () => {
  it("passes promtool check rules", () => {
    const r = run("check", "rules", "alerts.yml");
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("passes promtool check config, with the rules it loads", () => {
    const r = run("check", "config", "camserver.yml");
    expect(r.code).toBe(0);
  });

  it("passes its unit tests (promtool test rules alerts.test.yml)", () => {
    const r = run("test", "rules", "alerts.test.yml");
    if (r.code !== 0) console.error(r.out);
    expect(r.code).toBe(0);
  });
});

describe("metric names in infra/", () => {
  it("alerts name only metrics camserver exports", () => {
    const unknown = [...camserverNames(readFileSync(`${PROMETHEUS}/alerts.yml`, "utf8"))].filter((n) => !exported().has(n));
    expect(unknown).toEqual([]);
  });

  it("the Grafana dashboard is JSON whose queries name only metrics camserver exports", () => {
    const text = readFileSync(`${ROOT}/infra/grafana/camserver.json`, "utf8");
    const dashboard = JSON.parse(text) as { panels: { targets?: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join("\n");
    const unknown = [...camserverNames(exprs)].filter((n) => !exported().has(n));
    expect(unknown).toEqual([]);
  });
});
