import { Duration } from 'aws-cdk-lib';
import { CRITICAL, PERIOD, resolveThresholds, WARNING } from '../../src/monitoring/private/monitors';
import { Validation } from '../../src/private/validation';

const resolve = (props: Parameters<typeof resolveThresholds>[1]) => {
  const v = new Validation('ServiceMonitoring', 'S/Monitoring');
  return { t: resolveThresholds(v, props), problems: v.problems.map((p) => p.prop) };
};

describe('constants', () => {
  test('alarms are evaluated over 5 minutes and split into critical and warning', () => {
    expect(PERIOD.toMinutes()).toBe(5);
    expect([CRITICAL, WARNING]).toEqual(['Critical', 'Warning']);
  });
});

describe('resolveThresholds', () => {
  test('the documented defaults (alarm-thresholds.ts), valid', () => {
    const { t, problems } = resolve({});
    expect(problems).toEqual([]);
    const seconds = (d: Duration) => d.toSeconds();
    expect({ ...t.api, latencyP99: seconds(t.api.latencyP99) })
      .toEqual({ serverErrorRatePercent: 1, clientErrorRatePercent: 10, latencyP99: 1, throttledRequests: 10 });
    expect({ ...t.functions, iteratorAge: seconds(t.functions.iteratorAge) }).toEqual({
      errorRatePercent: 1,
      throttles: 0,
      durationP99PercentOfTimeout: 80,
      concurrencyPercentOfLimit: 80,
      accountConcurrencyLimit: 1000,
      iteratorAge: 60,
    });
    expect({ ...t.tables, replicationLatency: seconds(t.tables.replicationLatency) })
      .toEqual({ throttledRequests: 0, systemErrors: 0, replicationLatency: 60 });
    expect({ ...t.queues, oldestMessageAge: seconds(t.queues.oldestMessageAge) })
      .toEqual({ deadLetterMessages: 0, oldestMessageAge: 900 });
    expect({ ...t.archive, iteratorAge: seconds(t.archive.iteratorAge), dataFreshness: seconds(t.archive.dataFreshness) })
      .toEqual({ iteratorAge: 300, writeThrottles: 0, dataFreshness: 900 });
    expect({ ...t.site, originLatencyP99: seconds(t.site.originLatencyP99) })
      .toEqual({ serverErrorRatePercent: 1, originLatencyP99: 3, blockedRequests: 500 });
    expect({ ...t.cache, replicationLag: seconds(t.cache.replicationLag) })
      .toEqual({ cpuPercent: 80, engineCpuPercent: 80, memoryPercent: 80, evictions: 0, replicationLag: 5 });
  });

  test('given thresholds win, the others keep their defaults', () => {
    const { t, problems } = resolve({ api: { serverErrorRatePercent: 5 }, cache: { evictions: 10 } });
    expect(problems).toEqual([]);
    expect(t.api.serverErrorRatePercent).toBe(5);
    expect(t.api.clientErrorRatePercent).toBe(10);
    expect(t.cache.evictions).toBe(10);
    expect(t.cache.cpuPercent).toBe(80);
  });

  test.each<[string, Parameters<typeof resolveThresholds>[1], string[]]>([
    ['a percentage of 0', { api: { serverErrorRatePercent: 0 } }, ['api.serverErrorRatePercent']],
    ['a percentage over 100', { functions: { durationP99PercentOfTimeout: 101 } }, ['functions.durationP99PercentOfTimeout']],
    ['a fractional count', { tables: { throttledRequests: 1.5 } }, ['tables.throttledRequests']],
    ['a negative count', { queues: { deadLetterMessages: -1 } }, ['queues.deadLetterMessages']],
    ['an account limit under 10', { functions: { accountConcurrencyLimit: 5 } }, ['functions.accountConcurrencyLimit']],
    ['an age over a day', { archive: { dataFreshness: Duration.days(2) } }, ['archive.dataFreshness']],
    ['an age under a second', { cache: { replicationLag: Duration.millis(500) } }, ['cache.replicationLag']],
    ['a latency over 15 minutes', { site: { originLatencyP99: Duration.minutes(16) } }, ['site.originLatencyP99']],
  ])('%s', (_what, props, expected) => {
    expect(resolve(props).problems).toEqual(expected);
  });

  test('records every invalid threshold, without throwing', () => {
    const { problems } = resolve({ api: { clientErrorRatePercent: 200, throttledRequests: -2 }, cache: { memoryPercent: 0 } });
    expect(problems).toEqual(['api.clientErrorRatePercent', 'api.throttledRequests', 'cache.memoryPercent']);
  });
});
