import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { metricPrefixOf, plainWebAcl } from '../../src/waf/private/plain-web-acl';

describe('plainWebAcl', () => {
  test('a WebACL with its IP sets in the given scope, logging every request to an encrypted aws-waf-logs- log group', () => {
    const stack = new Stack();
    const acl = plainWebAcl(new Construct(stack, 'Waf'), 'REGIONAL', { ipDenyList: ['198.51.100.0/24'] }, 'Api', { retention: logs.RetentionDays.ONE_YEAR });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'IpDenyList', Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } } })]),
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
    expect(acl.ipSets).toHaveLength(1);
  });

  test('uses the caller\'s log key instead of creating one', () => {
    const stack = new Stack();
    const first = plainWebAcl(new Construct(stack, 'A'), 'REGIONAL', {}, 'A', { retention: logs.RetentionDays.ONE_MONTH });
    const second = plainWebAcl(new Construct(stack, 'B'), 'CLOUDFRONT', {}, 'B', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: first.encryptionKey });
    expect(second.encryptionKey).toBe(first.encryptionKey);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
  });
});

describe('metricPrefixOf', () => {
  test('letters and digits of the construct id, at most 64, or Rampart when none remain', () => {
    const stack = new Stack();
    expect(metricPrefixOf(new Construct(stack, 'my-api.waf'))).toBe('myapiwaf');
    expect(metricPrefixOf(new Construct(stack, 'x'.repeat(80)))).toHaveLength(64);
    expect(metricPrefixOf(new Construct(stack, '---'))).toBe('Rampart');
  });
});
