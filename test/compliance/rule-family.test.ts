import { Compliance, RuleFamily } from '../../src';
import { RULE_FAMILIES } from '../../src/compliance/private/rule-families';

describe('RuleFamily', () => {
  test('values are unique, PascalCase, and each has its rules', () => {
    const values = Object.values(RuleFamily);
    expect(new Set(values).size).toBe(values.length);
    for (const family of values) {
      expect(family).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(Object.keys(RULE_FAMILIES)).toContain(family);
    }
    expect(Object.keys(RULE_FAMILIES).sort()).toEqual([...values].sort());
  });

  test('familyRules returns a copy: changing it changes no family', () => {
    const rules = Compliance.familyRules(RuleFamily.S3_ACCESS_LOGGING);
    expect(rules).toContain('AwsSolutions-S1');
    rules.length = 0;
    expect(Compliance.familyRules(RuleFamily.S3_ACCESS_LOGGING)).toContain('AwsSolutions-S1');
  });

  test('an unknown family is refused, naming the argument and the families allowed', () => {
    expect(() => Compliance.familyRules('NoSuchFamily' as RuleFamily)).toThrow(/family: 'NoSuchFamily' is not a rule family; allowed: LambdaInsideVpc, /);
  });
});
