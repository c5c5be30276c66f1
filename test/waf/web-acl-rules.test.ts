import { Duration } from 'aws-cdk-lib';
import { WebAclRules } from '../../src/waf';
import { rulesToApiShape } from '../../src/waf/private/api-shape';

describe('WebAclRules', () => {
  test('default rules: rate limit per IP, then the default AWS managed groups, in priority order with metrics on', () => {
    const rules = WebAclRules.rules({}, 'Site', {});
    expect(rules.map((r) => r.name)).toEqual(['RateLimitPerIp', ...WebAclRules.DEFAULT_MANAGED_RULE_GROUPS.map((g) => `AWS-${g}`)]);
    expect(rules.map((r) => r.priority)).toEqual(rules.map((_, i) => i));
    expect(rules[0]).toMatchObject({
      action: { block: {} },
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: WebAclRules.DEFAULT_RATE_LIMIT, evaluationWindowSec: 300 } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'SiteRateLimitPerIp' },
    });
  });

  test('IP sets per address version; deny before allow before geo before the rate limit', () => {
    const props = { ipDenyList: ['198.51.100.0/24', '2001:db8::/32'], ipAllowList: ['203.0.113.0/24'], geoDenyList: ['KP'] };
    const sets = WebAclRules.ipSets(props);
    expect(sets).toEqual([
      { key: 'AllowIPv4', ipAddressVersion: 'IPV4', addresses: ['203.0.113.0/24'] },
      { key: 'DenyIPv4', ipAddressVersion: 'IPV4', addresses: ['198.51.100.0/24'] },
      { key: 'DenyIPv6', ipAddressVersion: 'IPV6', addresses: ['2001:db8::/32'] },
    ]);
    const rules = WebAclRules.rules(props, 'P', { AllowIPv4: 'arn:allow4', DenyIPv4: 'arn:deny4', DenyIPv6: 'arn:deny6' });
    expect(rules.slice(0, 4).map((r) => r.name)).toEqual(['IpDenyList', 'IpAllowList', 'GeoDenyList', 'RateLimitPerIp']);
    expect(rules[0].statement).toEqual({ orStatement: { statements: [{ ipSetReferenceStatement: { arn: 'arn:deny4' } }, { ipSetReferenceStatement: { arn: 'arn:deny6' } }] } });
  });

  test('rulesToApiShape raises keys to the WAF API\'s PascalCase, spelling IPSetReferenceStatement and ARN as the API does', () => {
    const api = rulesToApiShape(WebAclRules.rules({ ipDenyList: ['198.51.100.0/24'] }, 'P', { DenyIPv4: 'arn:deny4' }));
    expect(api[0]).toEqual({
      Name: 'IpDenyList',
      Priority: 0,
      Action: { Block: {} },
      Statement: { IPSetReferenceStatement: { ARN: 'arn:deny4' } },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'PIpDenyList' },
    });
  });

  test('validate names every bad prop at once', () => {
    const problems = WebAclRules.validate({
      managedRuleGroups: ['bad name', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesSQLiRuleSet'],
      rateLimit: 5,
      rateLimitWindow: Duration.minutes(3),
      geoAllowList: ['uk'],
      geoDenyList: [],
      ipAllowList: ['10.0.0.0/8', 'nope'],
      ipDenyList: ['10.0.0.0/8'],
    });
    for (const prop of [/^managedRuleGroups: \["bad name"\]/, /^managedRuleGroups: \["AWSManagedRulesSQLiRuleSet"\] appear more than once/, /^rateLimit: 5/,
      /^rateLimitWindow: 3 minutes/, /^geoAllowList, geoDenyList: both given/, /^geoAllowList: \["uk"\]/, /^geoDenyList: \[\]; allowed/,
      /^ipAllowList: \["nope"\]/, /^ipAllowList, ipDenyList: \["10.0.0.0\/8"\] are in both/]) {
      expect(problems).toContainEqual(expect.stringMatching(prop));
    }
    expect(WebAclRules.validate({})).toEqual([]);
  });
});
