import { Duration } from 'aws-cdk-lib';
import { Validation } from '../../src/private/validation';
import { RATE_LIMIT, RATE_LIMIT_WINDOWS, validateWebAclRules } from '../../src/waf/private/rules-validation';
import type { WebAclRulesProps } from '../../src/waf/web-acl-rules';

function problems(props: WebAclRulesProps): string[] {
  const v = new Validation('WebAclRules', 'Test');
  validateWebAclRules(v, props);
  return v.problems.map((p) => `${p.prop}: ${p.value}; ${p.allowed}`);
}

describe('validateWebAclRules', () => {
  test('valid settings have no problems', () => {
    expect(problems({})).toEqual([]);
    expect(problems({
      managedRuleGroups: ['AWSManagedRulesCommonRuleSet'],
      rateLimit: RATE_LIMIT.min,
      rateLimitWindow: Duration.minutes(5),
      geoDenyList: ['GB', 'XK'],
      ipAllowList: ['203.0.113.0/24', '2001:db8::/32'],
      ipDenyList: ['198.51.100.7/32'],
    })).toEqual([]);
    expect(RATE_LIMIT_WINDOWS.map((d) => d.toMinutes())).toEqual([1, 2, 5, 10]);
  });

  test('managed rule groups: configured, unknown and repeated groups', () => {
    const p = problems({ managedRuleGroups: ['AWSManagedRulesBotControlRuleSet', 'Nope', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesSQLiRuleSet'] });
    expect(p).toHaveLength(3);
    expect(p[0]).toMatch(/^managedRuleGroups: \["AWSManagedRulesBotControlRuleSet"\].*ManagedRuleGroupConfigs/);
    expect(p[1]).toMatch(/^managedRuleGroups: \["Nope"\].*are not AWS managed rule groups/);
    expect(p[2]).toMatch(/^managedRuleGroups: \["AWSManagedRulesSQLiRuleSet"\].*appear more than once/);
  });

  test('rate limit and window outside WAF limits', () => {
    expect(problems({ rateLimit: RATE_LIMIT.min - 1 })[0]).toMatch(/^rateLimit: 9/);
    expect(problems({ rateLimit: RATE_LIMIT.max + 1 })).toHaveLength(1);
    expect(problems({ rateLimit: 100.5 })).toHaveLength(1);
    expect(problems({ rateLimitWindow: Duration.minutes(3) })[0]).toMatch(/^rateLimitWindow: .*1, 2, 5 or 10 minutes/);
  });

  test('geo lists: not both, not empty, country codes once each', () => {
    expect(problems({ geoAllowList: ['GB'], geoDenyList: ['FR'] })[0]).toMatch(/^geoAllowList, geoDenyList: both given/);
    expect(problems({ geoAllowList: [] })[0]).toMatch(/^geoAllowList: /);
    const p = problems({ geoDenyList: ['gb', 'UK', 'FR', 'FR'] });
    expect(p[0]).toMatch(/^geoDenyList: \["gb","UK"\].*are not country codes/);
    expect(p[1]).toMatch(/^geoDenyList: \["FR"\].*appear more than once/);
  });

  test('IP lists: CIDR ranges, not /0, not empty, not in both lists', () => {
    expect(problems({ ipDenyList: ['10.0.0.1', '300.0.0.0/8', '10.0.0.0/33'] })[0]).toMatch(/^ipDenyList: \["10.0.0.1","300.0.0.0\/8","10.0.0.0\/33"\].*are not CIDR ranges/);
    expect(problems({ ipAllowList: ['0.0.0.0/0'] })[0]).toMatch(/^ipAllowList: \["0.0.0.0\/0"\].*every request would skip every other rule/);
    expect(problems({ ipDenyList: ['::/0'] })[0]).toMatch(/every request would be blocked/);
    expect(problems({ ipAllowList: [] })[0]).toMatch(/^ipAllowList: /);
    expect(problems({ ipAllowList: ['10.0.0.0/8'], ipDenyList: ['10.0.0.0/8'] })).toEqual([expect.stringMatching(/^ipAllowList, ipDenyList: \["10.0.0.0\/8"\].*are in both/)]);
  });
});
