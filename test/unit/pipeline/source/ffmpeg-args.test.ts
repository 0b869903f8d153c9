/**
 * sourceArgs: the source ffmpeg command line chosen by URL scheme. RTSP over TCP with the
 * socket timeout in µs (ffmpeg 5.1: `-timeout`), files looped in real time, an argv array
 * (no shell) whatever the URL holds.
 */
import { describe, expect, it } from "bun:test";
import { NETWORK_TIMEOUTS } from "../../../../src/pipeline/network-class.ts";
import { concatList, isRtspUrl, sourceArgs, type SourceSpec } from "../../../../src/pipeline/source/ffmpeg-args.ts";

const local = NETWORK_TIMEOUTS.local;

/** A source spec with the production defaults (fast start, no re-encode) and `patch` on top. */
function spec(inputUrl: string, patch: Partial<SourceSpec> = {}): SourceSpec {
  return { inputUrl, timeouts: local, transcode: false, probe: "fast", ...patch };
}

/** The value following `flag`, asserting the flag is there. */
function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  expect(i).toBeGreaterThanOrEqual(0);
  return args[i + 1];
}

describe("sourceArgs for RTSP cameras", () => {
  for (const url of ["rtsp://admin:secret@10.0.0.5:554/stream1", "rtsps://cam.example/live"]) {
    it(`reads ${url.split(":")[0]} over TCP`, () => {
      expect(after(sourceArgs(spec(url)), "-rtsp_transport")).toBe("tcp");
    });
  }

  it("sets ffmpeg's socket timeout in microseconds from the network class's read timeout", () => {
    expect(after(sourceArgs(spec("rtsp://h/s", { timeouts: NETWORK_TIMEOUTS.local })), "-timeout")).toBe("3000000");
    expect(after(sourceArgs(spec("rtsp://h/s", { timeouts: NETWORK_TIMEOUTS.vpn })), "-timeout")).toBe("5000000");
    expect(after(sourceArgs(spec("rtsp://h/s", { timeouts: { connectMs: 1, readMs: 1234, stallMs: 1 } })), "-timeout")).toBe("1234000");
  });

  it("puts the input options before -i, where ffmpeg applies them to the input", () => {
    const args = sourceArgs(spec("rtsp://h/s"));
    const input = args.indexOf("-i");
    expect(args.indexOf("-rtsp_transport")).toBeLessThan(input);
    expect(args.indexOf("-timeout")).toBeLessThan(input);
    expect(args).not.toContain("-stimeout"); // gone in ffmpeg 5.1
  });

  it("starts fast by trusting the SDP: no probing before the first keyframe", () => {
    const args = sourceArgs(spec("rtsp://h/s", { probe: "fast" }));
    expect(after(args, "-analyzeduration")).toBe("0");
    expect(after(args, "-probesize")).toBe("32");
    expect(args.indexOf("-analyzeduration")).toBeLessThan(args.indexOf("-i"));
  });

  it("lets ffmpeg probe the stream when asked, and always when re-encoding", () => {
    for (const args of [sourceArgs(spec("rtsp://h/s", { probe: "full" })), sourceArgs(spec("rtsp://h/s", { probe: "fast", transcode: true }))]) {
      expect(Number(after(args, "-analyzeduration"))).toBeGreaterThanOrEqual(1_000_000);
      expect(args).not.toContain("-probesize"); // ffmpeg's default probe size
    }
  });

  it("passes a URL full of shell syntax as one argument, verbatim: no shell ever sees it", () => {
    const url = "rtsp://admin:p$(touch /tmp/pwned);`id`'\"&|>x @10.0.0.5/s t";
    const args = sourceArgs(spec(url));
    expect(after(args, "-i")).toBe(url);
    expect(args.filter((a) => a.includes("pwned"))).toEqual([url]);
    expect(args).not.toContain("sh");
    expect(args).not.toContain("-c");
  });
});

describe("sourceArgs for files", () => {
  it("loops a file forever in real time", () => {
    const args = sourceArgs(spec("/srv/demo/clip.mp4"));
    const input = args.indexOf("-i");
    expect(args[input + 1]).toBe("/srv/demo/clip.mp4");
    expect(args.indexOf("-re")).toBeLessThan(input);
    expect(args.indexOf("-re")).toBeGreaterThanOrEqual(0);
    expect(after(args, "-stream_loop")).toBe("-1");
    expect(args.indexOf("-stream_loop")).toBeLessThan(input);
    expect(args).not.toContain("-rtsp_transport");
  });
});

describe("sourceArgs output", () => {
  for (const inputUrl of ["rtsp://h/s", "/srv/demo/clip.mp4"]) {
    it(`copies H.264 into FLV video-only on stdout for ${inputUrl}`, () => {
      const args = sourceArgs(spec(inputUrl, { transcode: false }));
      expect(after(args, "-c:v")).toBe("copy");
      expect(after(args, "-f")).toBe("flv");
      expect(args.at(-1)).toBe("pipe:1");
      expect(args).toContain("-an");
      expect(args).not.toContain("libx264");
    });

    it(`re-encodes to H.264 instead of copying when asked to transcode, for ${inputUrl}`, () => {
      const args = sourceArgs(spec(inputUrl, { transcode: true }));
      expect(after(args, "-c:v")).toBe("libx264");
      expect(args).not.toContain("copy");
      expect(after(args, "-f")).toBe("flv");
      expect(args.at(-1)).toBe("pipe:1");
    });
  }
});

describe("sourceArgs for schemes without a source", () => {
  it("throws for shm:// (no ffmpeg source reads shared memory)", () => {
    expect(() => sourceArgs(spec("shm://cam0"))).toThrow(/shm/);
  });

  it("names only the scheme of an unsupported URL, never its credentials", () => {
    let message = "";
    try {
      sourceArgs(spec("http://admin:hunter22@cam/x"));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("http");
    expect(message).not.toContain("hunter22");
  });

  it("tells RTSP URLs from the rest", () => {
    expect([isRtspUrl("rtsp://h/s"), isRtspUrl("rtsps://h/s"), isRtspUrl("shm://c"), isRtspUrl("/f.mp4"), isRtspUrl("http://h")]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("credentials kept off ffmpeg's command line", () => {
  const url = "rtsp://admin:pa'ss%40word@10.0.0.5:554/stream1";

  it("reads the camera from a list file when one is given: no URL, no password in argv", () => {
    const args = sourceArgs(spec(url, { listFile: "/tmp/x/input.ffconcat" }));
    expect(after(args, "-f")).toBe("concat");
    expect(after(args, "-i")).toBe("/tmp/x/input.ffconcat");
    expect(args.join(" ")).not.toContain("pa'ss");
    expect(args.join(" ")).not.toContain("10.0.0.5");
  });

  it("writes the URL and the RTSP input options into the list, quoting a ' in the password", () => {
    const text = concatList(spec(url, { timeouts: NETWORK_TIMEOUTS.vpn }));
    expect(text.split("\n")).toEqual([
      "ffconcat version 1.0",
      "file 'rtsp://admin:pa'\\''ss%40word@10.0.0.5:554/stream1'",
      "option rtsp_transport tcp",
      "option timeout 5000000",
      "option analyzeduration 0",
      "option probesize 32",
      "",
    ]);
  });
});
