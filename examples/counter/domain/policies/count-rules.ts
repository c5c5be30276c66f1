/**
 * The counter's rules as plain functions: what a sale takes, how low the count may go, what a reset
 * restores and which start values are allowed. The repository enforces the sale rule atomically in
 * storage (`CounterRepository.lower`); these functions say what it must enforce.
 */

/** What one sale takes from the count. */
export const UNITS_PER_SALE = 1;
/** The count never goes below this. */
export const LOWEST_COUNT = 0;

/** The sale rule, as the repository applies it in one conditional write. */
export interface SaleRule {
  /** How much a sale lowers the count. */
  readonly by: number;
  /** The least count a sale may start from (so that the count stays at or above `LOWEST_COUNT`). */
  readonly atLeast: number;
}

/** One camera sold, never below zero. */
export const SALE: SaleRule = { by: UNITS_PER_SALE, atLeast: LOWEST_COUNT + UNITS_PER_SALE };

/** The count as stored, or the start value when nothing was ever sold or reset. */
export function currentCount(stored: number | undefined, start: number): number {
  return stored ?? start;
}

/** Whether a sale may be made at this count. */
export function canSell(count: number, rule: SaleRule = SALE): boolean {
  return count >= rule.atLeast;
}

/** What a reset puts the count back to: the start value. */
export function resetCount(start: number): number {
  return start;
}

/**
 * The start value from its configured text: a whole number of at least 1, so that an absent item
 * (read as the start value) can always be sold from without going below zero.
 */
export function parseStart(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || !canSell(n)) throw new Error(`COUNTER_START: '${raw}' is not allowed; use a whole number of at least 1`);
  return n;
}
