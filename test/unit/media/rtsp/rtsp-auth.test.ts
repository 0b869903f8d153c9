import { describe, expect, it } from "bun:test";
import { basicAuthorization, chooseChallenge, digestAuthorization, isStale, RtspAuthenticator } from "../../../../src/media/rtsp/rtsp-auth.ts";
import { UnsupportedAuthError } from "../../../../src/media/rtsp/rtsp-errors.ts";
import { parseChallenges } from "../../../../src/media/rtsp/www-authenticate.ts";
import { md5Hex } from "../../../../src/media/md5.ts";

const responseOf = (header: string) => /response="([0-9a-f]{32})"/.exec(header)![1];

describe("Digest (RFC 2617 §3.2.2, RFC 7616 §3.4.1) with MD5", () => {
  it("gives the response of the RFC 2617 §3.5 example (qop=auth)", () => {
    const [c] = parseChallenges([
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ]);
    const h = digestAuthorization({
      challenge: c!,
      credentials: { username: "Mufasa", password: "Circle Of Life" },
      method: "GET",
      uri: "/dir/index.html",
      cnonce: "0a4f113b",
      nc: 1,
    });
    expect(responseOf(h)).toBe("6629fae49393a05397450978507c4ef1");
    expect(h).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
    expect(h).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it("gives the response of the RFC 7616 §3.9.1 MD5 example", () => {
    const [c] = parseChallenges([
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ]);
    const h = digestAuthorization({
      challenge: c!,
      credentials: { username: "Mufasa", password: "Circle of Life" },
      method: "GET",
      uri: "/dir/index.html",
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
      nc: 1,
    });
    expect(responseOf(h)).toBe("8ca523f5e9506fed4657c9700eebdbec");
    expect(h).toContain("algorithm=MD5");
  });

  it("answers a camera challenge without qop as RFC 2069 did: H(HA1:nonce:HA2), no cnonce", () => {
    // Dahua 401 of scottlamb/retina issue 62; the expected value is computed from the formula.
    const [c] = parseChallenges(['Digest realm="Login to 4K01FD2PAJ6E3FF", nonce="203c8d27b595204504dfa65fd22586bd"']);
    const uri = "rtsp://192.168.8.20:554/cam/realmonitor?channel=1&subtype=0";
    const h = digestAuthorization({ challenge: c!, credentials: { username: "admin", password: "pw" }, method: "DESCRIBE", uri, cnonce: "x", nc: 1 });
    const expected = md5Hex(`${md5Hex("admin:Login to 4K01FD2PAJ6E3FF:pw")}:203c8d27b595204504dfa65fd22586bd:${md5Hex(`DESCRIBE:${uri}`)}`);
    expect(responseOf(h)).toBe(expected);
    expect(h).not.toContain("cnonce");
    expect(h).not.toContain("algorithm");
    expect(h).toContain(`uri="${uri}"`);
  });

  it("uses MD5-sess when asked (RFC 2617 §3.2.2.2)", () => {
    const [c] = parseChallenges(['Digest realm="r", nonce="n", algorithm=MD5-sess, qop=auth']);
    const h = digestAuthorization({ challenge: c!, credentials: { username: "u", password: "p" }, method: "PLAY", uri: "rtsp://h/s", cnonce: "c", nc: 2 });
    const ha1 = md5Hex(`${md5Hex("u:r:p")}:n:c`);
    expect(responseOf(h)).toBe(md5Hex(`${ha1}:n:00000002:c:auth:${md5Hex("PLAY:rtsp://h/s")}`));
  });
});

describe("choosing a challenge", () => {
  it("prefers Digest over Basic when a Tapo offers both (scrypted issue 1835)", () => {
    expect(chooseChallenge(parseChallenges(['Basic realm="TP-LINK IP-Camera"', 'Digest realm="TP-LINK IP-Camera", nonce="6100"'])).scheme).toBe("digest");
  });

  it("answers Hikvision's Basic-only challenge with Basic (go2rtc issue 229)", () => {
    const a = new RtspAuthenticator(parseChallenges(['Basic realm="/"']), { username: "admin", password: "secret" }, () => "c");
    expect(a.authorize("DESCRIBE", "rtsp://h/Streaming/channels/102")).toBe(basicAuthorization({ username: "admin", password: "secret" }));
    expect(basicAuthorization({ username: "Aladdin", password: "open sesame" })).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  });

  it("refuses a server that offers only SHA-256 Digest or an unknown scheme", () => {
    expect(() => chooseChallenge(parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-256']))).toThrow(UnsupportedAuthError);
    expect(() => chooseChallenge(parseChallenges(["Negotiate abc"]))).toThrow(UnsupportedAuthError);
    expect(() => chooseChallenge([])).toThrow(UnsupportedAuthError);
  });

  it("counts nonces per request with qop and starts again on a new challenge", () => {
    const a = new RtspAuthenticator(parseChallenges(['Digest realm="r", nonce="n1", qop="auth"']), { username: "u", password: "p" }, () => "c");
    expect(a.authorize("OPTIONS", "rtsp://h/")).toContain("nc=00000001");
    expect(a.authorize("DESCRIBE", "rtsp://h/")).toContain("nc=00000002");
    const stale = parseChallenges(['Digest realm="r", nonce="n2", qop="auth", stale=true']);
    expect(isStale(stale[0]!)).toBe(true);
    a.update(stale);
    const h = a.authorize("GET_PARAMETER", "rtsp://h/");
    expect(h).toContain('nonce="n2"');
    expect(h).toContain("nc=00000001");
  });

  it("quotes a user name with a quote in it", () => {
    const [c] = parseChallenges(['Digest realm="r", nonce="n"']);
    expect(digestAuthorization({ challenge: c!, credentials: { username: 'a"b', password: "p" }, method: "M", uri: "u", cnonce: "c", nc: 1 })).toContain(
      'username="a\\"b"',
    );
  });
});
