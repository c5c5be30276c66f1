import { checkRuleId, closestIds, CONTROL_TOWER_NAMESPACE, SCHEMA_NAMESPACE } from '../../src/compliance/private/rule-ids';

describe('checkRuleId', () => {
  test('a cdk-nag rule id is namespaced by its pack, with or without the namespace and a finding part', () => {
    expect(checkRuleId('AwsSolutions-S1')).toEqual({ namespaced: 'AwsSolutions::AwsSolutions-S1' });
    expect(checkRuleId(' AwsSolutions::AwsSolutions-S1 ')).toEqual({ namespaced: 'AwsSolutions::AwsSolutions-S1' });
    expect(checkRuleId('AwsSolutions-IAM5[Resource::*]')).toEqual({ namespaced: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]' });
  });

  test('schema and Control Tower ids take their namespaces', () => {
    expect(checkRuleId('F3002')).toEqual({ namespaced: `${SCHEMA_NAMESPACE}::F3002` });
    expect(checkRuleId('s3_bucket_versioning_enabled_check')).toEqual({ namespaced: `${CONTROL_TOWER_NAMESPACE}::s3_bucket_versioning_enabled_check` });
    expect(checkRuleId(`${CONTROL_TOWER_NAMESPACE}::s3_bucket_versioning_enabled_check`).namespaced).toBeDefined();
  });

  test('empty, malformed or misplaced ids are refused with the reason', () => {
    expect(checkRuleId('').problem).toMatch(/is empty/);
    expect(checkRuleId(undefined).problem).toMatch(/is empty/);
    expect(checkRuleId('AwsSolutions-IAM5[Resource').problem).toMatch(/malformed finding part/);
    expect(checkRuleId('Serverless::AwsSolutions-S1').problem).toMatch(/under the namespace 'Serverless'; use 'AwsSolutions::AwsSolutions-S1'/);
    expect(checkRuleId('AwsSolutions::F3002').problem).toMatch(/use 'CloudFormation-Validate::F3002'/);
    expect(checkRuleId('F3002[x]').problem).toMatch(/only cdk-nag ids take a \[finding\] part/);
  });

  test('unknown ids suggest the closest ids of their kind', () => {
    expect(checkRuleId('AwsSolutions-S999').problem).toMatch(/is not a rule of the AwsSolutions pack; closest: /);
    expect(checkRuleId('s3_bucket_versioning_enabled_chek').problem).toMatch(/closest: 's3_bucket_versioning_enabled_check'/);
    expect(checkRuleId('E9999').problem).toMatch(/is not a CloudFormation schema rule id/);
  });

  test('a Control Tower control id points to the rule names of the control', () => {
    expect(checkRuleId('CT.S3.PR.11').problem).toMatch(/is a Control Tower control id; .*'s3_bucket_versioning_enabled_check'/);
    expect(checkRuleId('CT.S3.PR.999').problem).toMatch(/is not a Control Tower control/);
    // Service names with a hyphen (CT.NETWORK-FIREWALL.PR.n) are control ids too.
    expect(checkRuleId('CT.NETWORK-FIREWALL.PR.5').problem).toMatch(/is a Control Tower control id; .*'netfw_/);
  });
});

describe('closestIds', () => {
  test('nearest first by case-insensitive edit distance, ties alphabetical, deduplicated, up to count', () => {
    expect(closestIds('abc', ['xyz', 'ABD', 'abc', 'abc', 'abcd'])).toEqual(['abc', 'abcd', 'ABD']);
    expect(closestIds('abc', ['b', 'a', 'c'], 2)).toEqual(['a', 'b']);
    expect(closestIds('abc', [])).toEqual([]);
  });
});
