/**
 * The metered output table: access units handed to each consumer kind are counted (per
 * viewer for a fan-out), reach Prometheus on the holder's tick, WebRTC viewers show per
 * camera, and a consumer that drops over 5 % in a window is logged. Real Pipeline, rows
 * made for the test (an output is our own interface, not a library).
 */
import { describe, expect, it } from "bun:test";
import type { AccessUnit } from "../../../src/media/access-unit.ts";
import { consumerDroppedTotal, consumerProcessedTotal, consumerReadTotal, webrtcClients } from "../../../src/metrics.ts";
import type { Output, OutputRow } from "../../../src/pipeline/outputs/output.ts";
import { Pipeline, type Consumer } from "../../../src/pipeline/pipeline.ts";
import { meteredRows } from "../../../workers/metered-outputs.ts";

const SPS = new Uint8Array([0x67, 0x42, 0xc0, 0x1f, 0xda, 0x01, 0x40]);
const PPS = new Uint8Array([0x68, 0xce, 0x3c, 0x80]);
const au = (dts: number, key: boolean): AccessUnit => ({ nalus: [new Uint8Array([key ? 0x65 : 0x41, dts & 0xff])], dts, pts: dts, isKeyframe: key });

/** A row whose output attaches one consumer; `dropped` is what the test says. */
function testRow(kind: "hls" | "webrtc" | "record", consumer: Consumer, state: { dropped: number }): OutputRow {
  return {
    kind,
    create: ({ pipeline }): Output => ({
      running: true,
      get dropped() {
        return state.dropped;
      },
      start: async () => pipeline.attach(consumer),
      stop: async () => pipeline.detach(consumer),
    }),
  };
}

async function value(metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }, labels: Record<string, string>): Promise<number> {
  const v = (await metric.get()).values.find((x) => Object.entries(labels).every(([k, l]) => (x.labels as Record<string, unknown>)[k] === l));
  return v?.value ?? 0;
}

const quiet = { warn() {}, info() {}, error() {}, debug() {} };
const silent = quiet as never;
const camera = { id: "cam-meter", sourceUrl: "/dev/null", username: null, password: null, network: "local", sourceEngine: "auto", maxViewers: 10 } as never;

describe("metered outputs", () => {
  it("counts access units handed to a consumer and flushes them on the tick, processed being read minus dropped", async () => {
    const got: AccessUnit[] = [];
    const state = { dropped: 0 };
    const [row] = meteredRows([testRow("record", { kind: "record", offer: (a) => got.push(a) }, state)], { log: silent });
    const pipeline = new Pipeline();
    pipeline.setParameterSets([SPS], [PPS]);
    const readBefore = await value(consumerReadTotal, { kind: "record" });
    const processedBefore = await value(consumerProcessedTotal, { kind: "record" });
    const out = row!.create({ camera, pipeline });
    await out.start();
    for (let i = 0; i < 30; i++) pipeline.push(au(i * 3000, i % 10 === 0));
    expect(got).toHaveLength(30);
    expect(await value(consumerReadTotal, { kind: "record" })).toBe(readBefore);
    state.dropped = 4;
    await out.tick!();
    expect(await value(consumerReadTotal, { kind: "record" })).toBe(readBefore + 30);
    expect(await value(consumerProcessedTotal, { kind: "record" })).toBe(processedBefore + 26);
    await out.stop();
    pipeline.push(au(90000, true));
    expect(got).toHaveLength(30);
    expect(pipeline.consumerCounts()).toEqual({});
  });

  it("counts a fan-out's access units once per attached viewer and shows its viewers per camera", async () => {
    const fanout = { kind: "webrtc", viewers: 3, offer() {} };
    const [row] = meteredRows([testRow("webrtc", fanout, { dropped: 0 })], { log: silent });
    const pipeline = new Pipeline();
    const before = await value(consumerReadTotal, { kind: "webrtc" });
    const out = row!.create({ camera, pipeline });
    await out.start();
    for (let i = 0; i < 10; i++) pipeline.push(au(i * 3000, i === 0));
    await out.tick!();
    expect(await value(consumerReadTotal, { kind: "webrtc" })).toBe(before + 30);
    expect(await value(webrtcClients, { camera: "cam-meter" })).toBe(3);
    await out.stop();
    expect((await webrtcClients.get()).values.some((v) => v.labels.camera === "cam-meter")).toBe(false);
  });

  it("logs a warning when a consumer kind drops over 5 % of what it read in a window", async () => {
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const log = { ...quiet, warn: (obj: Record<string, unknown>, msg: string) => warnings.push({ obj, msg }) } as never;
    const [row] = meteredRows([testRow("hls", { kind: "hls", offer() {} }, { dropped: 0 })], { log, windowMs: 1000 });
    const pipeline = new Pipeline();
    const out = row!.create({ camera: { ...(camera as object), id: "cam-drops" } as never, pipeline });
    await out.start();
    await Bun.sleep(1100); // the first look only takes the window's start
    for (let i = 0; i < 100; i++) pipeline.push(au(i * 3000, i % 30 === 0));
    consumerDroppedTotal.labels("cam-drops", "hls").inc(6);
    const deadline = Date.now() + 3000;
    while (warnings.length === 0 && Date.now() < deadline) await Bun.sleep(50);
    await out.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ camera: "cam-drops", kind: "hls", read: 100, dropped: 6, percent: 6 });
  });
});
