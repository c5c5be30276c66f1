/**
 * The pass tests' support: the in-process rig of the pass system (examples/pass/local-rig.ts,
 * shared with the long fuzz run) and what only the tests need.
 */
export * from '../../examples/pass/local-rig';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
