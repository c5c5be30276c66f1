import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EdgeWebAcl, EdgeWebAclProps } from '../../src/waf';
import { aclBody, EdgeWebAclProperties, loggingConfiguration } from '../../src/waf/edge-web-acl.lambda';
import { complianceReport } from '../support/compliance';

const REGION = 'eu-west-1';
const PROPS: EdgeWebAclProps = { ipDenyList: ['198.51.100.0/24'], ipAllowList: ['2001:db8::/32'], geoDenyList: ['KP'] };

/** The custom resource's properties as the handler receives them (the stack's region resolved). */
function handlerProperties(props: EdgeWebAclProps): EdgeWebAclProperties {
  const stack = new Stack(new App(), 'Site');
  new EdgeWebAcl(stack, 'Waf', props);
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::EdgeWebAcl')) as any[];
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, any>;
      if (o.Ref === 'AWS::Region') return REGION;
      if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(resolve).join(o['Fn::Join'][0]);
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
    }
    return typeof v === 'number' ? String(v) : v; // CloudFormation hands every scalar over as a string
  };
  return resolve(resource.Properties) as EdgeWebAclProperties;
}

/** WAF API shape → CloudFormation L1 props (camelCase; the API's `IPSetReferenceStatement.ARN` is `ipSetReferenceStatement.arn`). */
function toL1(value: unknown): any {
  if (Array.isArray(value)) return value.map(toL1);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [
      k === 'IPSetReferenceStatement' ? 'ipSetReferenceStatement' : k === 'ARN' ? 'arn' : k.charAt(0).toLowerCase() + k.slice(1), toL1(v),
    ]));
  }
  return value;
}

/**
 * The WebACL, IP sets and logging configuration the handler creates in us-east-1, written as the
 * plain CloudFormation resources they are, so that every pack checks them as it would a template's.
 */
function asDeployed(scope: Construct, props: EdgeWebAclProperties, logging: boolean): wafv2.CfnWebACL {
  const ipSets = Object.fromEntries((props.IpSets ?? []).map((s) => [s.Key, new wafv2.CfnIPSet(scope, `IpSet${s.Key}`, {
    name: `${props.Name}-${s.Key}`, scope: 'CLOUDFRONT', ipAddressVersion: s.IPAddressVersion, addresses: s.Addresses,
  }).attrArn]));
  const body = aclBody(props, ipSets);
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', { ...toL1(body), scope: 'CLOUDFRONT' });
  if (logging) {
    const config = loggingConfiguration(`arn:aws:wafv2:us-east-1:123456789012:global/webacl/${props.Name}/id`, props.LogGroupName!);
    new wafv2.CfnLoggingConfiguration(scope, 'Logging', { resourceArn: acl.attrArn, logDestinationConfigs: config.LogDestinationConfigs });
  }
  return acl;
}

describe('the edge WebACL holds the packs\' WebACL rules', () => {
  test('the custom resource asks for request logging to an aws-waf-logs- log group in us-east-1, with a retention', () => {
    const stack = new Stack(new App(), 'Site');
    const acl = new EdgeWebAcl(stack, 'Waf');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::EdgeWebAcl', {
      LogGroupName: { 'Fn::Join': ['-', [Match.stringLikeRegexp('^aws-waf-logs-Site-Waf-'), { Ref: 'AWS::Region' }]] },
      LogRetentionDays: 365,
    });
    expect(stack.resolve(acl.requestLogGroupArn)).toEqual({ 'Fn::Join': ['', expect.arrayContaining([':logs:us-east-1:', ':log-group:'])] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ThisWebAclLogging', Action: ['wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration'] }),
          Match.objectLike({ Sid: 'RequestLogGroup', Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], Resource: stack.resolve(acl.requestLogGroupArn) }),
        ]),
      },
    });
  });

  test('an INFINITE request log retention is refused, naming the prop', () => {
    expect(() => new EdgeWebAcl(new Stack(new App(), 'S'), 'Waf', { requestLogRetention: 9999 })).toThrow(/requestLogRetention/);
  });

  test('what the handler creates passes every pack as plain WAFv2 resources; without its logging configuration it would not', () => {
    const props = handlerProperties(PROPS);
    expect(props.LogGroupName).toMatch(/^aws-waf-logs-Site-Waf-[A-Za-z0-9]+-eu-west-1$/);

    const app = new App();
    const logged = new Stack(app, 'AsDeployed', { env: { account: '123456789012', region: 'us-east-1' } });
    asDeployed(logged, props, true);
    const unlogged = new Stack(app, 'WithoutLogging', { env: { account: '123456789012', region: 'us-east-1' } });
    asDeployed(unlogged, props, false);
    const report = complianceReport(app);

    const onWaf = (stack: string) => report.forStack(stack).findings.filter((f) => /\/(WebAcl|IpSet\w+|Logging)$/.test(f.constructPath));
    expect(onWaf('AsDeployed')).toEqual([]);
    expect(report.forStack('AsDeployed').packsRun).toHaveLength(6);
    expect(onWaf('WithoutLogging').map((f) => f.ruleId).sort()).toEqual([
      'HIPAA.Security-WAFv2LoggingEnabled', 'NIST.800.53.R5-WAFv2LoggingEnabled', 'PCI.DSS.321-WAFv2LoggingEnabled',
    ]);
  });
});
