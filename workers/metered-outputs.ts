/**
 * Metering of the output table, from outside the media path: each row's outputs see the
 * pipeline through a view whose `attach` wraps the consumer, so every access unit handed
 * to a consumer is counted with one integer increment (for the WebRTC fan-out, once per
 * attached viewer). The counts reach Prometheus on the holder's tick (every 250 ms), not
 * per access unit:
 *
 * - `camserver_consumer_read_access_units_total{kind}`: handed to consumers of the kind;
 * - `camserver_consumer_processed_access_units_total{kind}`: read minus the output's own
 *   drops (WebRTC viewers' drops are counted when a viewer closes, in
 *   `camserver_consumer_dropped_access_units_total`);
 * - `camserver_webrtc_clients{camera}`: viewers attached to the fan-out.
 *
 * Once a minute every metered output compares what it read with what was dropped for its
 * camera and kind (`camserver_consumer_dropped_access_units_total`) and logs a warning when
 * more than 5 % was dropped.
 */
import type { Logger } from "../src/log.ts";
import type { AccessUnit } from "../src/media/access-unit.ts";
import { consumerDroppedTotal, consumerProcessedTotal, consumerReadTotal, webrtcClients } from "../src/metrics.ts";
import type { Output, OutputContext, OutputRow } from "../src/pipeline/outputs/output.ts";
import type { Consumer, Pipeline } from "../src/pipeline/pipeline.ts";

/** Options of the metering. */
export interface MeterOptions {
  readonly log: Logger;
  /**
   * Warn when a consumer kind of a camera dropped more than this share of what it read.
   * @defaultValue 0.05
   */
  readonly warnDropRatio?: number;
  /**
   * Length of the window the drop share is taken over, ms.
   * @defaultValue 60000
   */
  readonly windowMs?: number;
}

/** Counts of one running output. */
interface Meter {
  readonly camera: string;
  readonly kind: string;
  /** Access units handed to its consumers (per viewer for a fan-out). */
  read: number;
  flushedRead: number;
  processed: number;
  /** The fan-out it attached, if any (its `viewers` is read on each tick). */
  fanout: { readonly viewers: number } | undefined;
  /** Window start: read and dropped then. */
  windowAt: number;
  windowRead: number;
  windowDropped: number | undefined;
}

const meters = new Set<Meter>();
let watch: ReturnType<typeof setInterval> | undefined;

/** The rows with every output metered (same kinds, same order). */
export function meteredRows(rows: readonly OutputRow[], opts: MeterOptions): OutputRow[] {
  return rows.map((row) => ({ ...row, create: (ctx: OutputContext) => meteredOutput(row, ctx, opts) }));
}

function meteredOutput(row: OutputRow, ctx: OutputContext, opts: MeterOptions): Output {
  const m: Meter = {
    camera: ctx.camera.id,
    kind: row.kind,
    read: 0,
    flushedRead: 0,
    processed: 0,
    fanout: undefined,
    windowAt: Date.now(),
    windowRead: 0,
    windowDropped: undefined,
  };
  const inner = row.create({ ...ctx, pipeline: countingView(ctx.pipeline, m) });
  const flush = () => {
    if (m.read > m.flushedRead) consumerReadTotal.inc({ kind: m.kind }, m.read - m.flushedRead);
    m.flushedRead = m.read;
    const processed = m.read - inner.dropped;
    if (processed > m.processed) consumerProcessedTotal.inc({ kind: m.kind }, processed - m.processed);
    m.processed = Math.max(m.processed, processed);
    if (m.fanout) webrtcClients.set({ camera: m.camera }, m.fanout.viewers);
  };
  meters.add(m);
  startWatch(opts);
  return {
    get running() {
      return inner.running;
    },
    get dropped() {
      return inner.dropped;
    },
    start: () => inner.start(),
    async tick() {
      flush();
      await inner.tick?.();
    },
    async stop() {
      try {
        await inner.stop();
      } finally {
        flush();
        if (m.fanout) webrtcClients.remove({ camera: m.camera });
        meters.delete(m);
        if (meters.size === 0) stopWatch();
      }
    },
  };
}

/** The pipeline as an output sees it, with every consumer it attaches counted. */
function countingView(pipeline: Pipeline, m: Meter): Pipeline {
  const wrapped = new Map<Consumer, Consumer>();
  const attach = (c: Consumer) => {
    const fanout = typeof (c as { viewers?: unknown }).viewers === "number" ? (c as unknown as { readonly viewers: number }) : undefined;
    if (fanout) m.fanout = fanout;
    const w: Consumer = {
      kind: c.kind,
      offer: fanout
        ? (au: AccessUnit) => {
            m.read += fanout.viewers;
            c.offer(au);
          }
        : (au: AccessUnit) => {
            m.read += 1;
            c.offer(au);
          },
      ...(c.sourceRestarted ? { sourceRestarted: () => c.sourceRestarted!() } : {}),
    };
    wrapped.set(c, w);
    pipeline.attach(w);
  };
  const detach = (c: Consumer) => {
    pipeline.detach(wrapped.get(c) ?? c);
    wrapped.delete(c);
  };
  return new Proxy(pipeline, {
    get(target, prop) {
      if (prop === "attach") return attach;
      if (prop === "detach") return detach;
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function startWatch(opts: MeterOptions): void {
  if (watch) return;
  const windowMs = opts.windowMs ?? 60_000;
  const ratio = opts.warnDropRatio ?? 0.05;
  watch = setInterval(() => void checkDrops(opts.log, windowMs, ratio), Math.max(1000, Math.floor(windowMs / 4)));
  watch.unref?.();
}

function stopWatch(): void {
  clearInterval(watch);
  watch = undefined;
}

/** Warns for each camera and kind that dropped more than `ratio` of what it read in the last window. */
async function checkDrops(log: Logger, windowMs: number, ratio: number): Promise<void> {
  const now = Date.now();
  const due = [...meters].filter((m) => m.windowDropped === undefined || now - m.windowAt >= windowMs);
  if (due.length === 0) return;
  const dropped = new Map<string, number>();
  for (const v of (await consumerDroppedTotal.get()).values) dropped.set(`${v.labels.camera}\0${v.labels.kind}`, v.value);
  for (const m of due) {
    const d = dropped.get(`${m.camera}\0${m.kind}`) ?? 0;
    if (m.windowDropped !== undefined) {
      const read = m.read - m.windowRead;
      const lost = d - m.windowDropped;
      if (read > 0 && lost / read > ratio) {
        log.warn(
          {
            camera: m.camera,
            kind: m.kind,
            read,
            dropped: lost,
            percent: Math.round((lost / read) * 1000) / 10,
            windowS: Math.round((now - m.windowAt) / 1000),
          },
          `consumer dropped over ${ratio * 100} % of its access units`,
        );
      }
    }
    m.windowAt = now;
    m.windowRead = m.read;
    m.windowDropped = d;
  }
}
