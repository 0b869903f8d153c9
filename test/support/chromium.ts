/**
 * Debian's headless Chromium for browser tests and benchmarks (never a browser a test tool
 * downloads): its path and the flags that keep it off a closed network (no background
 * networking, QUIC, component updates or sync, which would try outside hosts at every start).
 */

/** The Chromium binary (`CAMSERVER_CHROMIUM`, default Debian's). */
export const CHROMIUM = process.env.CAMSERVER_CHROMIUM ?? "/usr/bin/chromium";

/** Launch flags of every test browser. */
export const CHROMIUM_ARGS: string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
