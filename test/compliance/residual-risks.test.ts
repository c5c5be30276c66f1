import { RESIDUAL_RISKS, residualRisk } from '../../src/compliance/private/residual-risks';
import { checkRuleId } from '../../src/compliance/private/rule-ids';

describe('residual risks', () => {
  test('each is keyed by a rule id a pack has, and says its risk in one sentence', () => {
    for (const [ruleId, risk] of Object.entries(RESIDUAL_RISKS)) {
      expect({ ruleId, problem: checkRuleId(ruleId).problem }).toEqual({ ruleId, problem: undefined });
      expect(risk).toMatch(/^[A-Z].*\.$/);
      expect(risk.split(/\.\s/).length).toBe(1);
    }
  });

  test('a finding-level acknowledgement of a rule carries the rule\'s risk; other rules none', () => {
    expect(residualRisk('AwsSolutions-CFR4')).toBe(RESIDUAL_RISKS['AwsSolutions-CFR4']);
    expect(residualRisk('AwsSolutions-SMG4[Secret]')).toBe(RESIDUAL_RISKS['AwsSolutions-SMG4']);
    expect(residualRisk('AwsSolutions-S1')).toBeUndefined();
  });
});
