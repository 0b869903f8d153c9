/**
 * Metrics of the console's event path (registered in the process registry, src/metrics.ts):
 * consoles listening on this API process (bounded by `EventHub`'s `maxListeners`) and
 * events stored and pushed.
 */
import { Counter, Gauge } from "prom-client";
import { registry } from "../metrics.ts";

/** Consoles whose event WebSocket listens on this process now. */
export const consoleListeners = new Gauge({
  name: "camserver_console_event_listeners",
  help: "Consoles listening for new events on this API process",
  registers: [registry],
});

/** Events stored through this process (`POST /v1/events`). */
export const eventsStoredTotal = new Counter({
  name: "camserver_events_stored_total",
  help: "Detection events stored",
  registers: [registry],
});

/** Event messages sent to consoles by this process, by whether they were replayed history or new. */
export const eventMessagesTotal = new Counter({
  name: "camserver_console_event_messages_total",
  help: "Event messages sent to consoles",
  labelNames: ["replay"],
  registers: [registry],
});
