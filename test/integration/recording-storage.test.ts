/**
 * A recordings directory that cannot take the recording: a read-only mount (EROFS) fails
 * the start with 507 and a clear message, and a full disk (a 3 MiB tmpfs: ENOSPC) ends the
 * running recording `failed` with its finished segments still playable. Either way the
 * camera stays live and its HLS stream keeps getting new segments. Needs root for `mount`
 * (skipped otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { stopAll } from "../support/background.ts";
import { eventually, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { decodeErrors } from "../support/recording-probe.ts";
import { startRtspCamera, type TestbedServer } from "../support/testbed.ts";

const base = tempDir("rec-storage");
const readOnly = `${base}/ro`;
const tiny = `${base}/tiny`;
const mounted: string[] = [];

function mount(dir: string, opts: string): boolean {
  mkdirSync(dir, { recursive: true });
  const r = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir]);
  if (r.exitCode === 0) mounted.push(dir);
  return r.exitCode === 0;
}

const canMount = mount(readOnly, "ro,size=1m") && mount(tiny, "size=3m");

let cam: TestbedServer;
const servers: Record<string, CamserverProcess> = {};

beforeAll(async () => {
  if (!canMount) return;
  cam = await startRtspCamera();
  for (const [name, dir] of [
    ["ro", readOnly],
    ["tiny", tiny],
  ] as const) {
    servers[name] = await startCamserver("start", {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: testPrefix(`recst-${name}`),
      DATA_DIR: tempDir(`rec-st-${name}`),
      RECORDINGS_DIR: dir,
    });
    expect((await servers[name]!.call("POST", "/v1/cameras", { id: "shed", name: "Shed", source_url: cam.url })).status).toBe(201);
  }
});
afterAll(async () => {
  await stopAll();
  for (const dir of mounted) Bun.spawnSync(["umount", dir]);
});

/** Names of the segments in the camera's live HLS playlist. */
async function hlsSegments(server: CamserverProcess, url: string): Promise<string[]> {
  const text = await (await fetch(`${server.base}${url}`)).text();
  return text.split("\n").filter((l) => l && !l.startsWith("#"));
}

async function hlsKeepsGoing(server: CamserverProcess, url: string): Promise<boolean> {
  const before = await hlsSegments(server, url);
  return eventually(async () => {
    const now = await hlsSegments(server, url);
    return now.length > 0 && now.at(-1) !== before.at(-1);
  }, 8000);
}

describe.skipIf(!canMount)("recordings on storage that fails", () => {
  it("answers 507 for an unwritable directory, keeps the recording as failed, and HLS goes on", async () => {
    const s = servers.ro!;
    const st = await s.call("POST", "/v1/streams/start", { camera_id: "shed" });
    expect(st.status).toBe(200);
    const r = await s.call("POST", "/v1/recordings", { camera_id: "shed" });
    expect(r.status).toBe(507);
    expect(r.json.error).toMatch(
      /^recording (rec_[0-9a-z]{16}) failed: cannot write recording file shed\/rec_[0-9a-z]{16}\/part-1: read-only file system \(EROFS\)$/,
    );
    const id = /rec_[0-9a-z]{16}/.exec(r.json.error)![0];
    const rec = (await s.call("GET", `/v1/recordings/${id}`)).json;
    expect(rec.state).toBe("failed");
    expect(rec.error).toContain("EROFS");
    expect(await hlsKeepsGoing(s, st.json.hls_url)).toBe(true);
    expect((await s.call("GET", "/v1/cameras/shed")).json.state).toBe("live");
    // The seed's route says the same.
    const seed = await s.call("POST", "/api/recording/start?camera_id=shed", {});
    expect(seed.status).toBe(507);
  });

  it("ends a recording failed when the disk fills, its finished segments playable, and HLS goes on", async () => {
    const s = servers.tiny!;
    const st = await s.call("POST", "/v1/streams/start", { camera_id: "shed" });
    expect(st.status).toBe(200);
    const r = await s.call("POST", "/v1/recordings", { camera_id: "shed" });
    expect(r.status).toBe(201);
    let rec: any;
    expect(await eventually(async () => (rec = (await s.call("GET", `/v1/recordings/${r.json.id}`)).json).state !== "recording", 30_000)).toBe(true);
    expect(rec.state).toBe("failed");
    expect(rec.error).toMatch(/no space left on the device \(ENOSPC\)$/);
    expect(rec.parts.map((p: any) => p.state)).toEqual(["failed"]);
    expect(rec.bytes).toBeGreaterThan(0);
    const file = await fetch(`${s.base}/v1/recordings/${r.json.id}/file`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(file.status).toBe(200);
    const out = `${base}/full.mp4`;
    writeFileSync(out, new Uint8Array(await file.arrayBuffer()));
    expect(decodeErrors(out)).toBe("");
    expect(await hlsKeepsGoing(s, st.json.hls_url)).toBe(true);
    expect((await s.call("GET", "/v1/cameras/shed")).json.state).toBe("live");
  });
});
