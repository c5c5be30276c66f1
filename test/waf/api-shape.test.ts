import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { rulesToApiShape } from '../../src/waf/private/api-shape';

describe('rulesToApiShape', () => {
  test('PascalCase keys at every depth, IPSetReferenceStatement and ARN, undefined dropped, values kept', () => {
    const rules: CfnWebACL.RuleProperty[] = [{
      name: 'allow-ips',
      priority: 0,
      action: { allow: {} },
      overrideAction: undefined,
      statement: { ipSetReferenceStatement: { arn: 'arn:aws:wafv2:us-east-1:111111111111:global/ipset/x/1' } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'm', sampledRequestsEnabled: false },
      ruleLabels: [{ name: 'a:b' }],
    }];
    expect(rulesToApiShape(rules)).toEqual([{
      Name: 'allow-ips',
      Priority: 0,
      Action: { Allow: {} },
      Statement: { IPSetReferenceStatement: { ARN: 'arn:aws:wafv2:us-east-1:111111111111:global/ipset/x/1' } },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'm', SampledRequestsEnabled: false },
      RuleLabels: [{ Name: 'a:b' }],
    }]);
    expect(Object.keys(rulesToApiShape(rules)[0])).not.toContain('OverrideAction');
  });

  test('an empty list stays empty', () => {
    expect(rulesToApiShape([])).toEqual([]);
  });
});
