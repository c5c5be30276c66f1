import { SoldOut } from './errors';
import { currentCount, resetCount, SALE, type SaleRule } from './policies/count-rules';

/**
 * Where the count is kept: one value, lowered and set in single atomic writes. The DynamoDB
 * implementation is storage/counter-repository.ts; the domain knows only this.
 */
export interface CounterRepository {
  /** The stored count (strongly consistent), or undefined before the first write. */
  read(): Promise<number | undefined>;
  /**
   * Lowers the count by `rule.by` in one atomic write when it is at least `rule.atLeast` (an absent
   * count is `start`); the new count, or undefined when the rule refused and nothing was written.
   */
  lower(rule: SaleRule, start: number, now: Date): Promise<number | undefined>;
  /** Puts the count back to `count` in one write, recording when; the count set. */
  reset(count: number, now: Date): Promise<number>;
}

/** One counter: its storage and its start value. */
export interface Counter {
  readonly repository: CounterRepository;
  /** The value before the first sale and after a reset; at least 1 (`parseStart`). */
  readonly start: number;
}

/** The current count: the start value when nothing was ever sold. Writes nothing. */
export async function readCount(counter: Counter): Promise<number> {
  return currentCount(await counter.repository.read(), counter.start);
}

/**
 * One sale: a single atomic write, so concurrent sales never lose an update and the count never
 * goes below zero. `SoldOut` at zero, with nothing changed. There is no read before the write.
 */
export async function sellOne(counter: Counter, now: Date = new Date()): Promise<number> {
  const count = await counter.repository.lower(SALE, counter.start, now);
  if (count === undefined) throw new SoldOut();
  return count;
}

/** Back to the start value, in one write. */
export async function resetCounter(counter: Counter, now: Date = new Date()): Promise<number> {
  return counter.repository.reset(resetCount(counter.start), now);
}
