import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { tracingPolicy } from '../../src/private/tracing-policy';
import { complianceReport } from '../support/compliance';

const code = () => lambda.Code.fromAsset(path.join(__dirname, '..', 'api', 'fixtures', 'handler'));

function twoFunctions(): { stack: Stack; a: TracedFunction; b: TracedFunction } {
  const stack = new Stack(new App(), 'Traced');
  const a = new TracedFunction(stack, 'A', { code: code(), handler: 'index.handler', serviceName: 'a' });
  const b = new TracedFunction(stack, 'B', { code: code(), handler: 'index.handler', serviceName: 'b' });
  return { stack, a, b };
}

const xray = Match.objectLike({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });

describe('tracingPolicy: one X-Ray policy per stack', () => {
  test('every traced function of the stack shares it; no function role carries X-Ray of its own', () => {
    const { stack, a, b } = twoFunctions();
    const template = Template.fromStack(stack);
    const ref = (fn: TracedFunction) => ({ Ref: stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole) });
    const policies = template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([xray]) } },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    const [id] = Object.keys(policies);
    expect(policies[id].Properties.Roles).toEqual(expect.arrayContaining([ref(a), ref(b)]));
    expect(policies[id].Properties.PolicyDocument.Statement).toHaveLength(1);
    const inline = template.findResources('AWS::IAM::Policy', { Properties: { PolicyDocument: { Statement: Match.arrayWith([xray]) } } });
    expect(inline).toEqual({});
  });

  test('functions trace actively and are created only after the policy is attached', () => {
    const { stack, a } = twoFunctions();
    const template = Template.fromStack(stack);
    const policyId = stack.getLogicalId(tracingPolicy(stack).node.defaultChild as iam.CfnManagedPolicy);
    const fnId = stack.getLogicalId(a.function.node.defaultChild as lambda.CfnFunction);
    const fn = template.toJSON().Resources[fnId];
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });

  test('the X-Ray wildcard is acknowledged at one site per stack, not once per function', () => {
    const { stack } = twoFunctions();
    const sites = complianceReport(stack).acknowledgementSites()
      .filter((s) => s.ruleIds.includes('AwsSolutions-IAM5[Resource::*]'));
    expect(sites.map((s) => s.constructPath)).toEqual(['Traced/RampartTracingPolicy/Resource']);
  });

  test('the same policy object for every caller in a stack', () => {
    const stack = new Stack();
    expect(tracingPolicy(stack)).toBe(tracingPolicy(stack));
  });
});
