import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { resolveThresholds } from '../../src/monitoring/private/monitors';
import { Validation } from '../../src/private/validation';

/** The `ServiceMonitoringProps` key of each thresholds interface. */
const KEYS: Record<string, string> = {
  ApiAlarmThresholds: 'api',
  FunctionAlarmThresholds: 'functions',
  TableAlarmThresholds: 'tables',
  QueueAlarmThresholds: 'queues',
  ArchiveAlarmThresholds: 'archive',
  SiteAlarmThresholds: 'site',
  CacheAlarmThresholds: 'cache',
};

interface Documented { readonly threshold: string; readonly prop: string; readonly value: number }

/** Every `@default` of alarm-thresholds.ts, durations in seconds. */
function documentedDefaults(): Documented[] {
  const source = fs.readFileSync(path.join(__dirname, '../../src/monitoring/alarm-thresholds.ts'), 'utf-8');
  const out: Documented[] = [];
  for (const [, name, body] of source.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    for (const [, value, prop] of body.matchAll(/@default ([^\n]+)\n\s*\*\/\n\s*readonly (\w+)\?/g)) {
      const duration = /^Duration\.(seconds|minutes)\((\d+)\)$/.exec(value.trim());
      const seconds = duration ? Number(duration[2]) * (duration[1] === 'minutes' ? 60 : 1) : Number(value);
      if (Number.isNaN(seconds)) throw new Error(`${name}.${prop}: @default ${value} is not a number or a Duration`);
      out.push({ threshold: name, prop, value: seconds });
    }
  }
  return out;
}

describe('the alarm thresholds', () => {
  const documented = documentedDefaults();
  const v = new Validation('ServiceMonitoring', 'S/Monitoring');
  const applied = resolveThresholds(v, {}) as unknown as Record<string, Record<string, number | Duration>>;

  test('every thresholds interface and every threshold documents its default', () => {
    expect([...new Set(documented.map((d) => d.threshold))].sort()).toEqual(Object.keys(KEYS).sort());
    expect(documented.length).toBe(Object.values(applied).reduce((n, group) => n + Object.keys(group).length, 0));
  });

  test.each(documentedDefaults().map((d): [string, Documented] => [`${d.threshold}.${d.prop}`, d]))('%s: the default applied is the one documented', (_name, d) => {
    const value = applied[KEYS[d.threshold]][d.prop];
    expect(value instanceof Duration ? value.toSeconds() : value).toBe(d.value);
    expect(v.problems).toEqual([]);
  });
});
