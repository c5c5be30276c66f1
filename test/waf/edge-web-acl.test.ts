import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EdgeWebAcl } from '../../src/waf';
import { expectCompliant } from '../support/compliance';

describe('EdgeWebAcl', () => {
  test('a custom resource with the rules in WAF API shape, IP set placeholders and a per-region name', () => {
    const stack = new Stack(new App(), 'Site');
    new EdgeWebAcl(stack, 'Waf', { ipDenyList: ['198.51.100.0/24'], geoDenyList: ['KP'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResource('Custom::EdgeWebAcl', {
      DeletionPolicy: 'Delete',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WafHandler'), 'Arn'] },
        Name: { 'Fn::Join': ['-', [Match.stringLikeRegexp('^Site-Waf-'), { Ref: 'AWS::Region' }]] },
        MetricName: 'WafWebAcl',
        IpSets: [{ Key: 'DenyIPv4', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] }],
        Rules: [
          Match.objectLike({ Name: 'IpDenyList', Priority: 0, Action: { Block: {} }, Statement: { IPSetReferenceStatement: { ARN: '${IpSet:DenyIPv4}' } } }),
          Match.objectLike({ Name: 'GeoDenyList', Statement: { GeoMatchStatement: { CountryCodes: ['KP'] } } }),
          Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } }, OverrideAction: { None: {} } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
        ],
      },
    });
  });

  test('the handler: Node.js 24 on ARM64, traced, explicit memory and timeout, encrypted log group with retention', () => {
    const stack = new Stack(new App(), 'Site');
    new EdgeWebAcl(stack, 'Waf');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 256,
      Timeout: 300,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^WafHandlerLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('least privilege: WAF calls only on this WebACL and its IP sets in us-east-1, no inline policies', () => {
    const stack = new Stack(new App(), 'Site');
    new EdgeWebAcl(stack, 'Waf');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const wafArn = (type: string, suffix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':wafv2:us-east-1:', { Ref: 'AWS::AccountId' }, `:global/${type}/`,
        { 'Fn::Join': ['-', [Match.stringLikeRegexp('^Site-Waf-'), { Ref: 'AWS::Region' }]] }, suffix]],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'ThisWebAcl', Effect: 'Allow', Action: ['wafv2:CreateWebACL', 'wafv2:GetWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL'], Resource: wafArn('webacl', '/*') },
          Match.objectLike({ Sid: 'ItsIpSets', Resource: wafArn('ipset', '-*/*') }),
          Match.objectLike({ Sid: 'FindByNameAfterRetry', Action: ['wafv2:ListWebACLs', 'wafv2:ListIPSets'], Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
        ]),
      },
    });
  });

  test('the custom resource waits for its permissions (and keeps them until it is deleted)', () => {
    const stack = new Stack(new App(), 'Site');
    new EdgeWebAcl(stack, 'Waf');
    const resources = Template.fromStack(stack).findResources('Custom::EdgeWebAcl');
    const [cr] = Object.values(resources);
    expect(cr.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^WafHandlerPolicy/)]));
  });

  test('validates its rules and log retention', () => {
    const stack = new Stack(new App(), 'Site');
    expect(() => new EdgeWebAcl(stack, 'Waf', { rateLimit: 5, handlerLogRetention: 9999 }))
      .toThrow(/EdgeWebAcl 'Site\/Waf' has invalid props:\n  - rateLimit: 5 .*\n  - handlerLogRetention: 9999/);
  });

  test('passes every compliance pack with default props, with the handler acknowledgements only', () => {
    const stack = new Stack(new App(), 'Site');
    new EdgeWebAcl(stack, 'Waf');
    const report = expectCompliant(stack);
    const ids = report.acknowledgements.map((a) => a.ruleId);
    expect(ids).toHaveLength(12);
    // Its own log group's ARN names the log streams: no ':log-stream:*' wildcard to acknowledge.
    expect(ids.filter((id) => id.includes('log-stream'))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:.*global\/ipset\/Site-Waf-.*-\*\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:.*global\/webacl\/Site-Waf-.*\/\*\]$/),
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-LambdaInsideVPC',
      'PCI.DSS.321-LambdaInsideVPC',
      'Serverless-LambdaDLQ',
      'lambda_inside_vpc_check',
    ]));
  });
});
