import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance } from '../../src/compliance';
import { ManagedPolicyRole } from '../../src/private/managed-policy-role';
import { complianceReport } from '../support/compliance';

function role(stack: Stack): ManagedPolicyRole {
  return new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('ManagedPolicyRole', () => {
  test('no policy until something is granted', () => {
    const stack = new Stack();
    const r = role(stack);
    expect(r.grantsPolicy).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('grants go into one customer managed policy attached to the role, never an inline policy', () => {
    const stack = new Stack();
    const r = role(stack);
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.grantRead(r);
    r.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:eu-west-1:111111111111:queue'] }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Permissions granted to Default/Role',
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) }),
          Match.objectLike({ Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:111111111111:queue' }),
        ]),
      },
    });
    expect(r.grantsPolicy).toBeInstanceOf(iam.ManagedPolicy);
  });

  test('a grant waits for the managed policy, so nothing uses the permission before it exists', () => {
    const stack = new Stack();
    const r = role(stack);
    const result = r.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));
    expect(result.statementAdded).toBe(true);
    expect(result.policyDependable).toBe(r.grantsPolicy);
  });

  test('the IAMNoInlinePolicy rules of NIST, HIPAA and PCI find nothing', () => {
    const stack = new Stack(new App(), 'Roles');
    const r = role(stack);
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    bucket.grantRead(r);
    Compliance.acknowledge(r.grantsPolicy!, 'AwsSolutions-IAM5[Action::s3:GetObject*]', 'Test grant.');
    const rules = complianceReport(stack).findings.map((f) => f.ruleId);
    expect(rules.filter((id) => id.endsWith('IAMNoInlinePolicy'))).toEqual([]);
  });
});
