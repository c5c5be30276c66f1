import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RegionalWebAcl, RegionalWebAclProps } from '../../src/waf';
import { expectCompliant } from '../support/compliance';

function synth(props: RegionalWebAclProps = {}): { stack: Stack; acl: RegionalWebAcl; template: Template } {
  const stack = new Stack(new App(), 'Api');
  const acl = new RegionalWebAcl(stack, 'Waf', props);
  return { stack, acl, template: Template.fromStack(stack) };
}

describe('RegionalWebAcl', () => {
  test('defaults: REGIONAL scope, allow by default, rate rule then the three AWS managed groups, metrics and samples on', () => {
    const { template, acl, stack } = synth();
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'WafWebAcl' },
      Rules: [
        {
          Name: 'RateLimitPerIp',
          Priority: 0,
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } },
          VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'WafRateLimitPerIp' },
        },
        Match.objectLike({ Priority: 1, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Priority: 2, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
        Match.objectLike({ Priority: 3, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
      ],
    });
    expect(stack.resolve(acl.webAclArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WafWebAcl/), 'Arn'] });
  });

  test('logs every request to an encrypted aws-waf-logs- log group kept a year, retained on delete', () => {
    const { template } = synth();
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'),
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WafLogKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WafWebAcl'), 'Arn'] },
      LogDestinationConfigs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WafLogs'), 'Arn'] }],
    });
  });

  test('associate() attaches the WebACL to a resource', () => {
    const stack = new Stack(new App(), 'Api');
    const acl = new RegionalWebAcl(stack, 'Waf');
    acl.associate('Stage', 'arn:aws:apigateway:eu-west-1::/restapis/abc/stages/prod');
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: 'arn:aws:apigateway:eu-west-1::/restapis/abc/stages/prod',
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WafWebAcl'), 'Arn'] },
    });
  });

  test('IP lists become REGIONAL IP sets per address version; deny and allow rules come first', () => {
    const { template } = synth({ ipDenyList: ['198.51.100.0/24', '2001:db8::/32'], ipAllowList: ['203.0.113.7/32'] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 3);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/32'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'IpDenyList',
          Priority: 0,
          Action: { Block: {} },
          Statement: {
            OrStatement: {
              Statements: [
                { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IpSetDenyIPv4'), 'Arn'] } } },
                { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IpSetDenyIPv6'), 'Arn'] } } },
              ],
            },
          },
        }),
        Match.objectLike({
          Name: 'IpAllowList',
          Priority: 1,
          Action: { Allow: {} },
          Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IpSetAllowIPv4'), 'Arn'] } } },
        }),
      ]),
    });
  });

  test('geo allow list blocks every other country; custom groups, limit and window are used', () => {
    const { template } = synth({ geoAllowList: ['GB', 'IE'], managedRuleGroups: ['AWSManagedRulesSQLiRuleSet'], rateLimit: 10, rateLimitWindow: Duration.minutes(1) });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [
        Match.objectLike({ Name: 'GeoAllowList', Action: { Block: {} }, Statement: { NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['GB', 'IE'] } } } } }),
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 10, EvaluationWindowSec: 60 } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesSQLiRuleSet' } } }),
      ],
    });
  });

  test('geo deny list blocks the listed countries', () => {
    const { template } = synth({ geoDenyList: ['KP'] });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Name: 'GeoDenyList', Action: { Block: {} }, Statement: { GeoMatchStatement: { CountryCodes: ['KP'] } } })]),
    });
  });

  test.each([
    [{ rateLimit: 9 }, /rateLimit: 9 is outside WAF's range; allowed: an integer from 10 to 2000000000/],
    [{ rateLimit: 2_000_000_001 }, /rateLimit: 2000000001/],
    [{ rateLimit: 100.5 }, /rateLimit: 100.5/],
    [{ rateLimitWindow: Duration.minutes(3) }, /rateLimitWindow: 3 minutes; allowed: 1, 2, 5 or 10 minutes/],
    [{ geoAllowList: ['GB'], geoDenyList: ['FR'] }, /geoAllowList, geoDenyList: both given/],
    [{ geoDenyList: ['gb', 'GBR'] }, /geoDenyList: \["gb","GBR"\] are not country codes/],
    [{ geoAllowList: [] }, /geoAllowList: \[\]; allowed: at least one ISO 3166-1 alpha-2 country code/],
    [{ ipAllowList: ['10.0.0.0/33'] }, /ipAllowList: \["10.0.0.0\/33"\] are not CIDR ranges/],
    [{ ipDenyList: ['not-an-ip'] }, /ipDenyList: \["not-an-ip"\]/],
    [{ ipDenyList: [] }, /ipDenyList: \[\]; allowed: at least one CIDR range/],
    [{ ipAllowList: ['0.0.0.0/0'] }, /ipAllowList: \["0.0.0.0\/0"\] match every address: every request would skip every other rule; allowed: ranges narrower than \/0/],
    [{ ipDenyList: ['::/0'] }, /ipDenyList: \["::\/0"\] match every address: every request would be blocked/],
    [{ ipAllowList: ['10.0.0.0/8'], ipDenyList: ['10.0.0.0/8'] }, /ipAllowList, ipDenyList: \["10.0.0.0\/8"\] are in both/],
    [{ managedRuleGroups: ['bad name!'] }, /managedRuleGroups: \["bad name!"\] are not AWS managed rule groups/],
    [{ managedRuleGroups: ['NotARealGroup'] }, /managedRuleGroups: \["NotARealGroup"\] are not AWS managed rule groups; allowed: AWS managed rule group names: AWSManagedRulesCommonRuleSet, /],
    [{ managedRuleGroups: ['AWSManagedRulesATPRuleSet'] }, /managedRuleGroups: \["AWSManagedRulesATPRuleSet"\] need a ManagedRuleGroupConfigs entry/],
    [{ geoDenyList: ['XX'] }, /geoDenyList: \["XX"\] are not country codes; allowed: ISO 3166-1 alpha-2 codes/],
    [{ geoDenyList: ['KP', 'KP'] }, /geoDenyList: \["KP"\] appear more than once/],
    [{ managedRuleGroups: ['AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesSQLiRuleSet'] }, /managedRuleGroups: .* appear more than once/],
    [{ logRetention: 9999 }, /logRetention: 9999 keeps logs forever/],
  ])('rejects %j', (props, message) => {
    expect(() => synth(props as RegionalWebAclProps)).toThrow(message);
  });

  test('reports every problem at once', () => {
    expect(() => synth({ rateLimit: 1, geoDenyList: [] })).toThrow(/rateLimit: 1.*\n.*geoDenyList: \[\]/s);
  });

  test('passes every compliance pack with default props', () => {
    const stack = new Stack(new App(), 'Api');
    new RegionalWebAcl(stack, 'Waf');
    const report = expectCompliant(stack);
    expect(report.acknowledgements).toEqual([]);
  });
});
