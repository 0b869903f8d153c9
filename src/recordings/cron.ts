/**
 * Validates the cron expressions of scheduled recordings before they reach BullMQ's job
 * scheduler: five fields (minute hour day-of-month month day-of-week) as in crontab(5),
 * each `*`, a number, a range `a-b`, a step `*\/s` or `a-b/s`, or a comma list of those;
 * month and weekday names (`jan`, `mon`) are accepted. Nothing else (no seconds field,
 * no `L`, `W`, `#`, `?`), so what is stored means the same to every cron reader.
 */
import { ValidationError } from "../errors.ts";

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], base: 1 },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], base: 0 },
] as const;

/** Longest accepted expression, characters. */
export const MAX_CRON_LENGTH = 200;

type Field = (typeof FIELDS)[number];

function value(field: Field, raw: string): number {
  const named = "names" in field ? (field.names as readonly string[]).indexOf(raw.toLowerCase()) : -1;
  if (named >= 0) return named + ("base" in field ? field.base : 0);
  if (!/^\d{1,2}$/.test(raw)) throw new Error(`"${raw}" is not a number`);
  const n = Number(raw);
  if (n < field.min || n > field.max) throw new Error(`${n} is outside ${field.min}-${field.max}`);
  return n;
}

function checkItem(field: Field, item: string): void {
  const [range, step, extra] = item.split("/");
  if (extra !== undefined || range === undefined || range === "") throw new Error(`"${item}" is malformed`);
  if (step !== undefined && !/^[1-9]\d{0,1}$/.test(step)) throw new Error(`step "${step}" must be 1-99`);
  if (range === "*") return;
  const [lo, hi, more] = range.split("-");
  if (more !== undefined) throw new Error(`"${range}" is malformed`);
  const a = value(field, lo ?? "");
  if (hi !== undefined && value(field, hi) < a) throw new Error(`range "${range}" runs backwards`);
}

/**
 * Returns the expression with its whitespace normalised.
 * @param field API field name for the error, e.g. `record.cron`
 * @throws ValidationError naming the cron field that is wrong
 */
export function parseCron(raw: unknown, field: string): string {
  if (typeof raw !== "string") throw new ValidationError(field, "must be a string of 5 cron fields");
  const parts = raw.trim().split(/\s+/);
  if (raw.length > MAX_CRON_LENGTH || parts.length !== 5) {
    throw new ValidationError(field, "must have 5 fields: minute hour day-of-month month day-of-week");
  }
  parts.forEach((text, i) => {
    const f = FIELDS[i]!;
    try {
      for (const item of text.split(",")) checkItem(f, item);
    } catch (err) {
      throw new ValidationError(field, `${f.name}: ${(err as Error).message}`);
    }
  });
  return parts.join(" ");
}
