/**
 * The process logger (pino, JSON lines on stdout). Never log a camera URL with
 * credentials or a password: log camera ids, and redact ffmpeg output first.
 */
import pino from "pino";

/** A pino logger. */
export type Logger = pino.Logger;

/** Creates the process logger at `level` ("info", "debug", ...). */
export function createLogger(level: string, name = "camserver"): Logger {
  return pino({ level, name, base: { pid: process.pid } });
}
