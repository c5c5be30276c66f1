/**
 * Records when this process could not run: a timer due every `intervalMs` that fires late shows a
 * stall (the machine busy with other processes, or a long garbage collection). A test that bounds
 * how long the code takes to answer subtracts the stalls inside each answer, so the bound measures
 * the code's own limits, not what else the machine was doing.
 */
export interface StallRecorder {
  /** The longest single stall so far. */
  readonly longest: number;
  /** Milliseconds of stall between `from` and `to` (epoch ms). */
  within(from: number, to: number): number;
  stop(): void;
}

export function recordStalls(intervalMs = 10): StallRecorder {
  // Each stall is [start, end]: the time from when the timer was due until it ran.
  const stalls: Array<readonly [number, number]> = [];
  let due = Date.now() + intervalMs;
  let longest = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now > due + 1) {
      stalls.push([due, now]);
      longest = Math.max(longest, now - due);
    }
    due = now + intervalMs;
  }, intervalMs);
  timer.unref();
  return {
    within(from, to) {
      let ms = 0;
      for (const [start, end] of stalls) ms += Math.max(0, Math.min(end, to) - Math.max(start, from));
      return ms;
    },
    get longest() { return longest; },
    stop() { clearInterval(timer); },
  };
}
