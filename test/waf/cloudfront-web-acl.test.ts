import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudFrontWebAcl } from '../../src/waf';
import { expectCompliant } from '../support/compliance';

describe('CloudFrontWebAcl', () => {
  test('stack in us-east-1: a plain CLOUDFRONT WebACL with IP sets and request logging, no custom resource', () => {
    const stack = new Stack(new App(), 'Site', { env: { account: '123456789012', region: 'us-east-1' } });
    const acl = new CloudFrontWebAcl(stack, 'Waf', { ipAllowList: ['2001:db8::/32'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::EdgeWebAcl', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV6' });
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
    expect(acl.webAcl).toBeDefined();
    expect(acl.edgeWebAcl).toBeUndefined();
    expect(stack.resolve(acl.webAclArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WafWebAcl/), 'Arn'] });
  });

  test.each([
    ['another region', { account: '123456789012', region: 'eu-west-1' }],
    ['environment-agnostic', undefined],
  ])('stack in %s: the EdgeWebAcl custom resource', (_, env) => {
    const stack = new Stack(new App(), 'Site', { env });
    const acl = new CloudFrontWebAcl(stack, 'Waf');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('Custom::EdgeWebAcl', 1);
    expect(acl.edgeWebAcl).toBeDefined();
    expect(stack.resolve(acl.webAclArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WafEdge/), 'Arn'] });
  });

  test('validates', () => {
    expect(() => new CloudFrontWebAcl(new Stack(new App(), 'S'), 'Waf', { geoAllowList: ['uk'], logRetention: 9999 }))
      .toThrow(/CloudFrontWebAcl 'S\/Waf' has invalid props:\n  - geoAllowList: \["uk"\].*\n  - logRetention: 9999/);
  });

  test('passes every compliance pack in us-east-1 with no acknowledgement', () => {
    const stack = new Stack(new App(), 'Site', { env: { account: '123456789012', region: 'us-east-1' } });
    new CloudFrontWebAcl(stack, 'Waf');
    expect(expectCompliant(stack).acknowledgements).toEqual([]);
  });
});
