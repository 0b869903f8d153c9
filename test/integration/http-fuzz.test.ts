/**
 * HTTP fuzz: a few thousand malformed requests to every route — broken JSON, wrong types,
 * huge strings, unicode, path traversal, bad SDP, unknown ids, wrong methods, no token or
 * the wrong role. Each must answer a 4xx with a JSON `error` within a second, never a 5xx
 * or a hang, and the process must keep serving with its memory bounded. The generator is
 * seeded (FUZZ_SEED) so a failure can be replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { stopAll } from "../support/background.ts";
import { ROOT, startCamserver, tempDir, testPrefix, TEST_REDIS_URL, TEST_TOKEN, type CamserverProcess } from "../support/camserver.ts";
import { werriftOffer, withDirection, withoutLines, withVideoSections } from "../support/offers.ts";
import { rssMb } from "../support/raw-http.ts";

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
const CONCURRENCY = 8;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const dataDir = tempDir("fuzz");
let server: CamserverProcess;
let viewer = "";
let offer = "";

beforeAll(async () => {
  const r = Bun.spawnSync(["bun", `${ROOT}/infra/entry/token.ts`, "create", "--role", "viewer", "--name", "fuzz"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
    cwd: ROOT,
  });
  viewer = r.stdout.toString().trim().split("\n").at(-1)!;
  server = await startCamserver("start", { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix("fuzz"), DATA_DIR: dataDir });
  // A camera whose source never answers: a valid offer or start would wait on it, so none is sent.
  expect((await server.call("POST", "/v1/cameras", { id: "fuzzcam", name: "Fuzz", source_url: "rtsp://127.0.0.1:9/never" })).status).toBe(201);
  offer = await werriftOffer({ audio: true });
  // Bull Board loads its packages on first use (both boards: the viewer's read-only one and the admin's).
  for (const token of [viewer, TEST_TOKEN])
    expect((await fetch(`${server.base}/admin/queues/api/queues`, { headers: { authorization: `Basic ${btoa(`x:${token}`)}` } })).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  await stopAll();
});

/** mulberry32: a small seeded generator. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

type R = ReturnType<typeof rng>;

/** Strings that break parsers: unicode, control characters, traversal, injection, sizes. */
function nasty(r: R): string {
  return r.pick([
    () => "",
    () => " ",
    () => "../../../etc/passwd",
    () => "..%2f..%2fetc%2fpasswd",
    () => "%00",
    () => "\u0000\u0001\u001f",
    () => "📷🎥\u202e\u200b",
    () => "\ud800",
    () => "Ω≈ç√∫˜µ≤≥÷",
    () => "' OR '1'='1",
    () => "<script>alert(1)</script>",
    () => "${jndi:ldap://x}",
    () => "__proto__",
    () => "x".repeat(r.pick([100, 2000, 30_000, 70_000])),
    () => "é".repeat(r.pick([50, 5000, 40_000])),
    () => String(r.next()),
    () => "rtsp://user:pass@127.0.0.1:9/x",
    () => "shm://../../dev/shm/x",
    () => "file:///etc/passwd",
  ])();
}

/** A JSON value of a wrong or odd type. */
function oddValue(r: R): unknown {
  return r.pick([
    () => null,
    () => 0,
    () => -1,
    () => 1e308,
    () => true,
    () => [],
    () => [nasty(r)],
    () => ({}),
    () => ({ $gt: "" }),
    () => nasty(r),
    () => 2 ** 53 + 1,
  ])();
}

/** A request body: broken JSON, a wrong shape, or an object with odd fields. */
function body(r: R, fields: readonly string[]): string {
  return r.pick([
    () => "{",
    () => '{"a":',
    () => "[1,2",
    () => "nul",
    () => "\u0000\u00ff\u00fe",
    () => JSON.stringify(oddValue(r)),
    () => JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { polluted: 1 } } }),
    () => '{"__proto__": {"role": "admin"}}',
    () => JSON.stringify(Object.fromEntries(fields.map((f) => [f, oddValue(r)]))),
    () => JSON.stringify({ [r.pick(fields)]: nasty(r) }),
    () => JSON.stringify({ [nasty(r)]: nasty(r) }),
    () => `{"x":${"[".repeat(5000)}${"]".repeat(5000)}}`,
    () => JSON.stringify({ junk: "y".repeat(70_000) }),
  ])();
}

/** An SDP offer the server must refuse. */
function badSdp(r: R): string {
  return r.pick([
    () => nasty(r),
    () => "v=0",
    () => `v=0\r\n${"m=video 9 UDP/TLS/RTP/SAVPF 96\r\n".repeat(r.pick([2, 50, 900]))}`,
    () => withVideoSections(offer, r.pick([2, 5, 20])),
    () => withDirection(offer, r.pick(["sendonly", "inactive"])),
    () => withoutLines(offer, r.pick([/^a=fingerprint/, /^a=ice-ufrag/, /^a=ice-pwd/, /^a=rtpmap:\d+ H264/, /^m=video/])),
    () => offer.replace("v=0", "v=1"),
    () => `${offer}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n`,
    () => `${offer}${"a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n".repeat(40)}`,
    () => offer.replaceAll("\r\n", "\n").slice(0, r.int(offer.indexOf("a=fingerprint"))),
    () => Buffer.from(Array.from({ length: 200 }, () => r.int(256))).toString("latin1"),
  ])();
}

const ADMIN = `Bearer ${TEST_TOKEN}`;
const auths = (r: R) => r.pick([undefined, "Bearer ", "Bearer cst_wrong", `Basic ${btoa("a:b")}`, "Digest x", `Bearer ${"A".repeat(3000)}`]);
/** Percent-encodes any string (a lone surrogate becomes U+FFFD first). */
const enc = (s: string) => encodeURIComponent(s.toWellFormed());
const id = (r: R) => enc(r.pick(["nope", "fuzz cam", nasty(r).slice(0, 300)])) || "x";

interface Req {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One malformed request to one route. */
function request(r: R): Req {
  const json = (auth: string | undefined) => ({
    ...(auth ? { authorization: auth } : {}),
    "content-type": r.pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
  });
  const viewerAuth = `Bearer ${viewer}`;
  return r.pick<() => Req>([
    // no token, or a wrong one, on every protected route
    () => {
      const method = r.pick(["GET", "POST", "PATCH", "DELETE", "PUT"]);
      const path = r.pick([
        "/v1/cameras",
        `/v1/cameras/${id(r)}`,
        "/v1/streams/start",
        "/v1/streams",
        "/api/webrtc/offer",
        "/admin/queues",
        "/admin/queues/api/queues",
        `/v1/cameras/fuzzcam/whep`,
      ]);
      return { method, path, headers: json(auths(r)), body: method !== "GET" && r.next() < 0.5 ? body(r, ["camera_id"]) : undefined };
    },
    // a viewer's writes that need admin
    () => ({
      method: r.pick(["POST", "PATCH", "DELETE"]),
      path: r.pick(["/v1/cameras", "/v1/cameras/fuzzcam", `/admin/queues/api/queues/${id(r)}/add`, "/v1/recordings"]),
      headers: json(viewerAuth),
      body: body(r, ["id", "name", "source_url"]),
    }),
    // camera registry: broken bodies (never a valid camera: the network is always wrong)
    () => ({
      method: "POST",
      path: "/v1/cameras",
      headers: json(ADMIN),
      body:
        r.next() < 0.5
          ? body(r, ["id", "name", "source_url", "username", "password", "network", "snapshot_interval_s", "max_viewers"])
          : JSON.stringify({ id: nasty(r), name: nasty(r), source_url: nasty(r), network: nasty(r), max_viewers: oddValue(r) }),
    }),
    () => ({
      method: "PATCH",
      path: `/v1/cameras/${id(r)}`,
      headers: json(ADMIN),
      body: body(r, ["name", "source_url", "network", "max_viewers", "snapshot_interval_s"]),
    }),
    () => ({ method: "DELETE", path: `/v1/cameras/${id(r)}`, headers: json(ADMIN) }),
    () => ({ method: "GET", path: `/v1/cameras/${id(r)}`, headers: json(r.pick([ADMIN, viewerAuth])) }),
    // snapshots of unknown cameras, and bad max_age_ms
    () => ({ method: "GET", path: `/v1/cameras/${r.pick([id(r), "fuzzcam"])}/snapshot?max_age_ms=x${enc(nasty(r).slice(0, 200))}`, headers: json(viewerAuth) }),
    () => ({ method: "GET", path: `/v1/cameras/${id(r)}/snapshot${r.pick(["", "/latest"])}`, headers: json(viewerAuth) }),
    // streams
    () => ({ method: "POST", path: r.pick(["/v1/streams/start", "/v1/streams/stop"]), headers: json(viewerAuth), body: body(r, ["camera_id", "session_id"]) }),
    // WHEP and the seed's JSON signalling
    () => ({
      method: "POST",
      path: `/v1/cameras/${r.pick(["fuzzcam", id(r)])}/whep`,
      headers: { authorization: viewerAuth, "content-type": r.pick(["application/sdp", "application/sdp; charset=utf-8", "text/plain", ""]) },
      body: badSdp(r),
    }),
    () => ({
      method: r.pick(["DELETE", "PATCH", "GET", "PUT"]),
      path: `/v1/cameras/${r.pick(["fuzzcam", id(r)])}/whep/${id(r)}`,
      headers: { authorization: viewerAuth },
    }),
    () => ({
      method: "POST",
      path: `/api/webrtc/offer${r.pick(["", "?camera_id=fuzzcam", `?camera_id=${id(r)}`, "?camera_id=fuzzcam&camera_id=x", "?camera_id[]=x"])}`,
      headers: json(viewerAuth),
      body: r.next() < 0.5 ? JSON.stringify({ type: r.pick(["offer", "answer", nasty(r)]), sdp: badSdp(r) }) : body(r, ["type", "sdp"]),
    }),
    // HLS: unknown sessions, traversal
    () => ({
      method: r.pick(["GET", "HEAD"]),
      path: `/hls/${id(r)}/${r.pick(["index.m3u8", "seg_1.m4s", "..%2F..%2Fetc%2Fpasswd", "init.mp4", id(r)])}`,
      headers: {},
    }),
    () => ({
      method: "GET",
      path: r.pick([
        "/hls/../../etc/passwd",
        "/assets/..%2f..%2fpackage.json",
        "/assets/nope.js",
        "/v1/cameras/..%2F..%2F",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/v1//cameras",
      ]),
      headers: { authorization: viewerAuth },
    }),
    // Bull Board: unknown queues and jobs, cross-site and non-JSON writes
    () => ({ method: "GET", path: `/admin/queues/api/queues/${id(r)}/${id(r)}`, headers: { authorization: `Basic ${btoa(`x:${viewer}`)}` } }),
    () => ({
      method: r.pick(["POST", "PUT"]),
      path: `/admin/queues/api/queues/${r.pick(["snapshot", "stream-start", id(r)])}/${r.pick(["add", "pause", "clean/completed"])}`,
      headers: {
        authorization: `Basic ${btoa(`x:${TEST_TOKEN}`)}`,
        "content-type": r.pick(["text/plain", "application/x-www-form-urlencoded"]),
        origin: "http://evil.example",
        "sec-fetch-site": "cross-site",
      },
      body: body(r, ["name", "data"]),
    }),
    () => ({
      method: r.pick(["GET", "PUT", "PATCH", "DELETE", "POST"]),
      path: `/admin/queues/${r.pick(["api/nope", `api/queues/${id(r)}/${id(r)}/${id(r)}`, "static/../../package.json", id(r)])}`,
      headers: { authorization: `Basic ${btoa(`x:${TEST_TOKEN}`)}`, "content-type": "application/json" },
    }),
    // recordings, events, token administration (admin writes with broken bodies; unknown ids)
    () => {
      // Unknown cameras only: an empty settings patch of a real camera is a valid request.
      const path = r.pick([
        "/v1/recordings",
        `/v1/recordings/${id(r)}`,
        `/v1/recordings/${id(r)}/stop`,
        `/api/recording/start?camera_id=${id(r)}`,
        `/api/recording/stop?camera_id=${id(r)}`,
        `/v1/cameras/${id(r)}/recording-settings`,
        "/v1/events",
        `/v1/cameras/${id(r)}/event-settings`,
        "/v1/tokens",
        `/v1/tokens/${id(r)}/revoke`,
      ]);
      return {
        method: r.pick(["POST", "DELETE", "PUT", "PATCH"]),
        path,
        headers: json(ADMIN),
        body: body(r, ["camera_id", "id", "name", "role", "mode", "record", "retention", "cron", "kind"]),
      };
    },
    () => ({
      method: "GET",
      path: r.pick([
        `/v1/recordings/${id(r)}`,
        `/v1/recordings/${id(r)}/file`,
        `/v1/cameras/${id(r)}/playback?from=${id(r)}`,
        `/api/recording/status?camera_id=${id(r)}`,
        `/v1/cameras/${id(r)}/recording-settings`,
      ]),
      headers: json(viewerAuth),
    }),
    // wrong methods on known routes
    () => ({
      method: r.pick(["PUT", "DELETE", "PATCH"]),
      path: r.pick(["/v1/streams/start", "/v1/streams", "/health", "/metrics", "/v1/cameras/fuzzcam/snapshot"]),
      headers: json(ADMIN),
    }),
  ])();
}

interface Failure {
  readonly req: string;
  readonly why: string;
}

async function send(req: Req): Promise<Failure | undefined> {
  const t0 = performance.now();
  const label = `${req.method} ${req.path.slice(0, 120)}`;
  try {
    const res = await fetch(`${server.base}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(1000) });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status < 400 || res.status > 499) return { req: label, why: `status ${res.status}: ${text.slice(0, 200)}` };
    if (req.method === "HEAD") return undefined;
    let error: unknown;
    try {
      error = (JSON.parse(text) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    // Bull Board's own errors are objects (`{"error": {"key": "ERRORS.QUEUE_NOT_FOUND"}}`, its page translates the key).
    const isMessage = typeof error === "string" ? error.length > 0 : req.path.startsWith("/admin/queues/") && typeof error === "object" && error !== null;
    if (!isMessage) return { req: label, why: `status ${res.status} without a JSON error: ${text.slice(0, 200)}` };
    if (ms > 1000) return { req: label, why: `answered in ${ms.toFixed(0)} ms` };
  } catch (err) {
    return { req: label, why: `no answer within 1 s: ${(err as Error).message}` };
  }
  return undefined;
}

describe("HTTP fuzz", () => {
  it(`answers ${REQUESTS} malformed requests to every route with a 4xx JSON error within a second each, and keeps serving`, async () => {
    const r = rng(SEED);
    const before = rssMb(server.pid);
    const failures: Failure[] = [];
    let sent = 0;
    const t0 = performance.now();
    const lane = async () => {
      while (sent < REQUESTS) {
        sent++;
        const f = await send(request(r));
        if (f) failures.push(f);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (performance.now() - t0) / 1000;
    const after = rssMb(server.pid);
    console.log(`${REQUESTS} fuzz requests in ${seconds.toFixed(1)} s (seed ${SEED}); rss ${before} -> ${after} MB; ${failures.length} failures`);
    for (const f of failures.slice(0, 15)) console.log(`  ${f.req}: ${f.why}`);
    expect(failures).toEqual([]);
    expect(after - before).toBeLessThan(80);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    expect((await server.call("GET", "/v1/cameras")).json.map((c: { id: string }) => c.id)).toEqual(["fuzzcam"]);
    expect(server.output()).not.toContain("unhandled rejection");
    expect(server.output()).not.toContain("uncaught exception");
  }, 90_000);
});
