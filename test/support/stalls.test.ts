import { recordStalls } from './stalls';

test('a stretch in which the process could not run is recorded, and only the part inside a window counts', async () => {
  const stalls = recordStalls(10);
  try {
    await new Promise((r) => setTimeout(r, 50));
    const blockedFrom = Date.now();
    while (Date.now() - blockedFrom < 300) { /* the process does not yield: its timers are late */ }
    await new Promise((r) => setTimeout(r, 50));
    const now = Date.now();
    expect(stalls.longest).toBeGreaterThanOrEqual(250);
    expect(stalls.within(blockedFrom - 20, now)).toBeGreaterThanOrEqual(250);
    // Nothing before the block, and at most a window's length of it.
    expect(stalls.within(blockedFrom - 60, blockedFrom - 20)).toBeLessThan(20);
    expect(stalls.within(blockedFrom + 100, blockedFrom + 200)).toBeLessThanOrEqual(100);
  } finally {
    stalls.stop();
  }
});
