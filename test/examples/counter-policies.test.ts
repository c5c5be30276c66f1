import * as fs from 'fs';
import * as path from 'path';
import { readCount, resetCounter, sellOne, type CounterRepository } from '../../examples/counter/domain/counter';
import { SoldOut } from '../../examples/counter/domain/errors';
import { canSell, currentCount, LOWEST_COUNT, parseStart, resetCount, SALE, UNITS_PER_SALE } from '../../examples/counter/domain/policies/count-rules';

/** The counter's rules and domain, as plain functions: no engine, no HTTP. */

describe('counter policies', () => {
  test('a sale takes one camera and may start from 1 but not from 0: the count never goes below zero', () => {
    expect(UNITS_PER_SALE).toBe(1);
    expect(LOWEST_COUNT).toBe(0);
    expect(SALE).toEqual({ by: 1, atLeast: 1 });
    expect(canSell(1000)).toBe(true);
    expect(canSell(1)).toBe(true);
    expect(canSell(0)).toBe(false);
    expect(canSell(-1)).toBe(false);
    // Whatever the rule, a sale it allows never ends below the lowest count.
    for (let count = -2; count <= 5; count++) {
      if (canSell(count)) expect(count - SALE.by).toBeGreaterThanOrEqual(LOWEST_COUNT);
    }
  });

  test('nothing stored reads as the start value; a stored count reads as itself, zero included', () => {
    expect(currentCount(undefined, 1000)).toBe(1000);
    expect(currentCount(0, 1000)).toBe(0);
    expect(currentCount(17, 1000)).toBe(17);
  });

  test('a reset restores the start value', () => {
    expect(resetCount(1000)).toBe(1000);
    expect(resetCount(5)).toBe(5);
  });

  test('a start value is a whole number a sale may start from (at least 1); unset means the default', () => {
    expect(parseStart(undefined, 1000)).toBe(1000);
    expect(parseStart('', 1000)).toBe(1000);
    expect(parseStart('7', 1000)).toBe(7);
    expect(parseStart('1', 1000)).toBe(1);
    for (const raw of ['0', '-3', '2.5', 'ten', 'NaN']) {
      expect(() => parseStart(raw, 1000)).toThrow(new RegExp(`COUNTER_START: '${raw}' is not allowed; use a whole number of at least 1`));
    }
  });
});

describe('counter domain', () => {
  /** A repository that records what the domain asked of it and answers as told. */
  function repository(answers: { read?: number; lower?: number }): CounterRepository & { calls: unknown[][] } {
    const calls: unknown[][] = [];
    return {
      calls,
      read: async () => { calls.push(['read']); return answers.read; },
      lower: async (rule, start, now) => { calls.push(['lower', rule, start, now]); return answers.lower; },
      reset: async (count, now) => { calls.push(['reset', count, now]); return count; },
    };
  }
  const now = new Date('2026-12-01T12:00:00Z');

  test('a sale asks storage for one atomic lowering under the sale rule, without reading first', async () => {
    const repo = repository({ lower: 999 });
    expect(await sellOne({ repository: repo, start: 1000 }, now)).toBe(999);
    expect(repo.calls).toEqual([['lower', SALE, 1000, now]]);
  });

  test('a sale storage refuses is SoldOut, a domain refusal that knows nothing of HTTP', async () => {
    const repo = repository({ lower: undefined });
    const refused = sellOne({ repository: repo, start: 1000 }, now);
    await expect(refused).rejects.toBeInstanceOf(SoldOut);
    await expect(refused).rejects.toThrow(/at 0/);
  });

  test('reading applies the start value to an absent count; a reset writes the start value', async () => {
    expect(await readCount({ repository: repository({ read: undefined }), start: 25 })).toBe(25);
    expect(await readCount({ repository: repository({ read: 3 }), start: 25 })).toBe(3);
    const repo = repository({});
    expect(await resetCounter({ repository: repo, start: 25 }, now)).toBe(25);
    expect(repo.calls).toEqual([['reset', 25, now]]);
  });
});

test('the domain imports nothing outside domain/: no HTTP layer, no handler kit, no storage, no SDK', () => {
  const dir = path.resolve(__dirname, '../../examples/counter/domain');
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  expect(files).toEqual(expect.arrayContaining(['counter.ts', 'errors.ts', path.join('policies', 'count-rules.ts')]));
  for (const file of files) {
    const from = path.dirname(path.join(dir, file));
    const outside = [...fs.readFileSync(path.join(dir, file), 'utf-8').matchAll(/from '([^']+)'/g)]
      .map((m) => m[1])
      .filter((i) => !i.startsWith('.') || path.relative(dir, path.resolve(from, i)).startsWith('..'));
    expect([file, outside]).toEqual([file, []]);
  }
});
