import * as logs from 'aws-cdk-lib/aws-logs';
import { Validation } from '../../src/private/validation';
import { NestedWafSettings, validateWafSettings } from '../../src/waf/private/waf-settings';

function problems(waf: NestedWafSettings | undefined, wafEnabled: boolean, other?: string) {
  const v = new Validation('Test', 'test');
  validateWafSettings(v, waf, wafEnabled, other);
  return v.problems;
}

describe('validateWafSettings', () => {
  test('no waf settings: nothing to check, whatever wafEnabled is', () => {
    expect(problems(undefined, true)).toEqual([]);
    expect(problems(undefined, false)).toEqual([]);
    expect(problems(undefined, true, 'webAclArn')).toEqual([]);
  });

  test('valid settings on a created WebACL pass', () => {
    expect(problems({ rateLimit: 500, geoDenyList: ['RU'], logRetention: logs.RetentionDays.ONE_YEAR }, true)).toEqual([]);
  });

  test('settings with wafEnabled false are one problem, the rules unchecked', () => {
    const found = problems({ rateLimit: 1 }, false);
    expect(found).toHaveLength(1);
    expect(found[0].prop).toBe('waf');
    expect(found[0].value).toContain('given with wafEnabled false');
  });

  test('settings with another WebACL prop name that prop', () => {
    const found = problems({ rateLimit: 1 }, true, 'webAclArn');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ prop: 'waf', allowed: expect.stringContaining('drop waf or webAclArn') });
    expect(found[0].value).toContain('given with webAclArn');
  });

  test('the rules and the log retention are checked under waf.', () => {
    const found = problems({ rateLimit: 1, geoDenyList: ['XX'], logRetention: logs.RetentionDays.INFINITE }, true);
    expect(found.map((p) => p.prop).sort()).toEqual(['waf.geoDenyList', 'waf.logRetention', 'waf.rateLimit']);
  });
});
