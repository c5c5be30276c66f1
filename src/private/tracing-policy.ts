import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { Compliance } from '../compliance';

const TRACING_POLICY_ID = 'RampartTracingPolicy';

/**
 * The one customer managed policy of a stack that lets its traced functions send X-Ray segments.
 * PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so the wildcard
 * they need is stated (and acknowledged) once per stack instead of once per function role.
 */
export function tracingPolicy(scope: IConstruct): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(TRACING_POLICY_ID);
  if (existing) return existing as iam.ManagedPolicy;
  const policy = new iam.ManagedPolicy(stack, TRACING_POLICY_ID, {
    description: 'X-Ray segments and telemetry of the traced functions of this stack',
    statements: [new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    })],
  });
  Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
    'Only xray:PutTraceSegments/PutTelemetryRecords, which do not support resource-level permissions; the policy holds nothing else and is attached to the roles of the traced functions of this stack.');
  return policy;
}

/**
 * Turn on active tracing for a function whose role gets X-Ray access from the stack's tracing
 * policy (rather than a statement of its own), and make the function wait for that attachment:
 * Lambda refuses active tracing to a role that cannot write segments.
 */
export function traceWithStackPolicy(fn: lambda.Function, role: iam.IRole): iam.ManagedPolicy {
  const policy = tracingPolicy(fn);
  policy.attachToRole(role);
  (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
  fn.node.addDependency(policy);
  return policy;
}
