/**
 * reapOrphans with real marked processes: orphans of a dead owner, of a reused pid,
 * and children of live owners that must survive.
 */
import { afterAll, expect, it } from "bun:test";
import type { Subprocess } from "bun";
import { readProcStat } from "../../../src/proc/proc-stat.ts";
import { reapOrphans } from "../../../src/proc/reaper.ts";
import { spawnChild, stopAllChildren } from "../../../src/proc/spawn-child.ts";
import { isGone, waitComm } from "./proc-test-utils.ts";

const spawned: Subprocess[] = [];

/** A `sleep 1000` carrying the given marker, running sleep (exec done) when this resolves. */
async function marked(marker: string, detached: boolean): Promise<Subprocess> {
  const proc = Bun.spawn(["sleep", "1000"], {
    env: { ...process.env, CAMSERVER_CHILD: marker },
    detached,
    stdio: ["ignore", "ignore", "ignore"],
  });
  spawned.push(proc);
  await waitComm(proc.pid, "sleep");
  return proc;
}

/** A process that ran and is gone: its pid and start time, as a marker would name it. */
async function deadOwner(): Promise<string> {
  const owner = Bun.spawn(["sleep", "1000"]);
  await waitComm(owner.pid, "sleep");
  const marker = `${owner.pid}:${readProcStat(owner.pid)!.startTime}`;
  owner.kill("SIGKILL");
  await owner.exited;
  return marker;
}

afterAll(async () => {
  for (const proc of spawned) proc.kill("SIGKILL");
  await Promise.all(spawned.map((proc) => proc.exited));
  await stopAllChildren("test cleanup");
});

it("kills children whose owner is gone and never those of a live owner", async () => {
  // Orphans: a group leader (as spawnChild makes them), one inside this test's own
  // process group (only it may die, not the group), one whose owner pid was reused.
  const orphanLeader = await marked(await deadOwner(), true);
  const orphanInOurGroup = await marked(await deadOwner(), false);
  const reusedPid = await marked(`${process.pid}:1`, true);

  // Live owners: another worker on this host (a sleep standing in for it), and us.
  const otherWorker = Bun.spawn(["sleep", "1000"]);
  spawned.push(otherWorker);
  await waitComm(otherWorker.pid, "sleep");
  const otherWorkersChild = await marked(`${otherWorker.pid}:${readProcStat(otherWorker.pid)!.startTime}`, true);
  const ourChild = spawnChild({ cmd: ["sleep", "1000"], label: "live owner" });
  await waitComm(ourChild.pid, "sleep");

  const logs: string[] = [];
  const killed = await reapOrphans({ log: (msg) => logs.push(msg) });

  // Other leftovers on this host may be reaped too, hence at least.
  expect(killed).toBeGreaterThanOrEqual(3);
  for (const orphan of [orphanLeader, orphanInOurGroup, reusedPid]) {
    await orphan.exited;
    expect(orphan.signalCode).toBe("SIGKILL");
  }
  expect(logs).toContainEqual(expect.stringContaining(`killed process group ${orphanLeader.pid} `));
  expect(logs).toContainEqual(expect.stringContaining(`killed process ${orphanInOurGroup.pid} `));
  for (const pid of [otherWorker.pid, otherWorkersChild.pid, ourChild.pid, process.pid]) {
    expect(isGone(pid)).toBe(false);
  }
  await ourChild.stop();
});
