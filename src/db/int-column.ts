/** Reading integer columns (epoch ms, ids), which drivers may return as number, bigint or string. */

/**
 * Converts an integer column value to a number.
 * @throws RangeError naming `column` when the value is not a safe integer (a corrupt row).
 */
export function intColumn(value: unknown, column: string): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${column}: not a safe integer`);
  return n;
}
