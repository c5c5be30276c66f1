import { AWS_MANAGED_RULE_GROUPS, CONFIGURED_RULE_GROUPS, COUNTRY_CODES } from '../../src/waf/private/catalogue';

describe('WAF catalogue', () => {
  test('the country codes are the 249 ISO 3166-1 alpha-2 codes and XK', () => {
    expect(COUNTRY_CODES.size).toBe(250);
    for (const c of COUNTRY_CODES) expect(c).toMatch(/^[A-Z]{2}$/);
    expect(COUNTRY_CODES.has('GB')).toBe(true);
    expect(COUNTRY_CODES.has('XK')).toBe(true);
    expect(COUNTRY_CODES.has('UK')).toBe(false);
    expect(COUNTRY_CODES.has('')).toBe(false);
  });

  test('the managed rule groups usable by name and those needing a configuration are distinct', () => {
    expect(AWS_MANAGED_RULE_GROUPS).toContain('AWSManagedRulesCommonRuleSet');
    expect(CONFIGURED_RULE_GROUPS).toContain('AWSManagedRulesBotControlRuleSet');
    const all = [...AWS_MANAGED_RULE_GROUPS, ...CONFIGURED_RULE_GROUPS];
    expect(new Set(all).size).toBe(all.length);
    for (const g of all) expect(g).toMatch(/^AWSManagedRules[A-Za-z]+$/);
  });
});
