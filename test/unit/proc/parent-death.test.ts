/**
 * THE kill path that needs the kernel: a worker that is SIGKILLed cannot stop its
 * children, so each child must die with it (setpriv --pdeathsig KILL).
 */
import { afterAll, expect, it } from "bun:test";
import { isGone, waitComm, waitGone, waitPsGone } from "./proc-test-utils.ts";

const fixture = `${import.meta.dir}/fixtures/spawn-ffmpeg.ts`;
let ffmpegPid = 0;

afterAll(() => {
  // Only if the test failed: do not leave the ffmpeg running.
  if (ffmpegPid > 0 && !isGone(ffmpegPid)) process.kill(-ffmpegPid, "SIGKILL");
});

it("kills the ffmpeg within 1 s when its bun parent is SIGKILLed", async () => {
  const parent = Bun.spawn([process.execPath, fixture], { stdout: "pipe", stderr: "inherit" });
  const reader = parent.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`fixture ended before printing a pid: ${text}`);
    text += new TextDecoder().decode(value);
  }
  ffmpegPid = Number(text.trim());
  await waitComm(ffmpegPid, "ffmpeg");
  await Bun.sleep(200); // streaming

  const killedAt = performance.now();
  parent.kill("SIGKILL");
  const deathMs = await waitGone(ffmpegPid, 1000);
  // Orphans go to PID 1, which in some sandboxes reaps zombies only every second or so.
  const psMs = await waitPsGone(ffmpegPid, 5000);
  console.log(
    `parent SIGKILL -> ffmpeg dead: ${deathMs.toFixed(1)} ms; -> gone from ps: ${(performance.now() - killedAt).toFixed(1)} ms (${psMs.toFixed(1)} after death)`,
  );
  expect(await parent.exited).toBe(137);
  expect(deathMs).toBeLessThan(1000);
});
