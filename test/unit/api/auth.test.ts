import { describe, expect, it } from "bun:test";
import { Authenticator, presentedToken, principalOf, requiredAccess, type Principal } from "../../../src/api/auth.ts";
import { ForbiddenError, UnauthorizedError } from "../../../src/errors.ts";

describe("requiredAccess", () => {
  const cases: [string, string, string][] = [
    ["GET", "/health", "public"],
    ["GET", "/metrics", "public"],
    ["GET", "/", "public"],
    ["HEAD", "/assets/app.js", "public"],
    ["GET", "/hls/hls_abc/index.m3u8", "public"],
    ["OPTIONS", "/v1/cameras/gate/whep", "public"],
    ["OPTIONS", "/v1/cameras/gate/whep/whep_x", "public"],
    ["GET", "/favicon.ico", "public"],
    ["GET", "/v1/events/ws", "public"],
    ["POST", "/v1/events/ws", "admin"],
    ["POST", "/v1/events", "admin"],
    ["GET", "/v1/events", "viewer"],
    ["GET", "/hls/a/b/c", "viewer"],
    ["GET", "/v1/cameras", "viewer"],
    ["GET", "/v1/cameras/gate/snapshot", "viewer"],
    ["GET", "/admin/queues/api/queues", "viewer"],
    ["GET", "/v1/recordings", "viewer"],
    ["GET", "/nothing", "viewer"],
    ["POST", "/v1/streams/start", "viewer"],
    ["POST", "/v1/streams/stop", "viewer"],
    ["POST", "/v1/cameras/gate/whep", "viewer"],
    ["DELETE", "/v1/cameras/gate/whep/whep_x", "viewer"],
    ["POST", "/api/webrtc/offer", "viewer"],
    ["POST", "/v1/cameras", "admin"],
    ["POST", "/v1/cameras/", "admin"],
    ["POST", "//v1/cameras", "admin"],
    ["PATCH", "/v1/cameras/gate", "admin"],
    ["DELETE", "/v1/cameras/gate", "admin"],
    ["DELETE", "/v1/cameras/gate/whep", "admin"],
    ["POST", "/v1/streams/start/x", "admin"],
    ["POST", "/v1/recordings", "admin"],
    ["DELETE", "/v1/recordings/rec_1", "admin"],
    ["POST", "/api/recording/start", "admin"],
    ["PUT", "/admin/queues/api/queues/snapshot/pause", "admin"],
    ["POST", "/health", "admin"],
    ["OPTIONS", "/v1/cameras", "admin"],
    ["GET", "/v1/tokens", "admin"],
    ["HEAD", "/v1/tokens/3", "admin"],
    ["GET", "/v1/tokensmith", "viewer"],
  ];
  for (const [method, path, access] of cases) {
    it(`needs ${access} for ${method} ${path}`, () => {
      expect(requiredAccess(method, path)).toBe(access as never);
    });
  }
});

describe("presentedToken", () => {
  it("reads Bearer tokens and Basic passwords, nothing else", () => {
    expect(presentedToken("Bearer abc")).toBe("abc");
    expect(presentedToken(`Basic ${btoa("user:s3cret:with:colons")}`)).toBe("s3cret:with:colons");
    expect(presentedToken(`Basic ${btoa("user:")}`)).toBeUndefined();
    expect(presentedToken(`Basic ${btoa("nocolon")}`)).toBeUndefined();
    expect(presentedToken("Bearer ")).toBeUndefined();
    expect(presentedToken("Digest abc")).toBeUndefined();
    expect(presentedToken(null)).toBeUndefined();
    expect(presentedToken(`Bearer ${"a".repeat(5000)}`)).toBeUndefined();
  });
});

describe("Authenticator", () => {
  const stored = new Map<string, Principal>([["cst_viewer", { name: "kiosk", role: "viewer" }]]);
  const auth = new Authenticator("bootstrap-token", { verify: async (t) => stored.get(t) });
  const req = (method: string, path: string, token?: string) =>
    new Request(`http://h${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("lets public routes through without a token", async () => {
    expect(await auth.authorize(req("GET", "/health"), "/health")).toBeUndefined();
  });

  it("treats API_TOKEN as the bootstrap admin and remembers the principal", async () => {
    const r = req("POST", "/v1/cameras", "bootstrap-token");
    expect(await auth.authorize(r, "/v1/cameras")).toEqual({ name: "bootstrap", role: "admin" });
    expect(principalOf(r)?.role).toBe("admin");
  });

  it("answers 401 without or with an unknown token, 403 for a viewer's admin action", async () => {
    await expect(auth.authorize(req("GET", "/v1/cameras"), "/v1/cameras")).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(auth.authorize(req("GET", "/v1/cameras", "bootstrap-tokeN"), "/v1/cameras")).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await auth.authorize(req("GET", "/v1/cameras", "cst_viewer"), "/v1/cameras"))?.name).toBe("kiosk");
    await expect(auth.authorize(req("DELETE", "/v1/cameras/x", "cst_viewer"), "/v1/cameras/x")).rejects.toBeInstanceOf(ForbiddenError);
  });
});
