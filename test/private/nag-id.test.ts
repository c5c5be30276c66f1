import { App, Aws, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
// cdk-nag renders finding ids with this function but does not export it from its index: the
// tests pin our copy to it, so an acknowledgement id never drifts from what cdk-nag prints.
import { flattenCfnReference as nagFlatten } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import {
  acknowledgeEach,
  flattenCfnReference,
  INLINE_POLICY_RULES,
  nagResourceText,
  S3_KMS_RULES,
  S3_REPLICATION_RULES,
} from '../../src/private/nag-id';
import { complianceReport } from '../support/compliance';

describe('flattenCfnReference', () => {
  test.each([
    ['a plain string', 'arn:aws:s3:::bucket/*'],
    ['a Sub placeholder', 'arn:${AWS::Partition}:logs:${AWS::Region}:123456789012:log-group:*'],
    ['a Ref', { Ref: 'BucketABC' }],
    ['a GetAtt', { 'Fn::GetAtt': ['BucketABC', 'Arn'] }],
    ['a Join of references', { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['BucketABC', 'Arn'] }, '/*']] }],
    ['a Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' }],
    ['an ImportValue', { 'Fn::ImportValue': 'Exported:Arn' }],
    ['an unknown function', { 'Fn::Select': [0, ['a', 'b']] }],
    ['nothing', undefined],
  ])('renders %s as cdk-nag does', (_name, value) => {
    expect(flattenCfnReference(value)).toEqual(nagFlatten(value));
  });
});

describe('nagResourceText', () => {
  test('resolves tokens in the scope\'s stack first', () => {
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const id = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(nagResourceText(bucket, bucket.arnForObjects('*'))).toBe(`<${id}.Arn>/*`);
    expect(nagResourceText(stack, `arn:${Aws.PARTITION}:s3:::${Fn.ref('Name')}/*`)).toBe('arn:<AWS::Partition>:s3:::<Name>/*');
  });
});

describe('rule lists and acknowledgeEach', () => {
  /** A bucket with SSE-S3 and no replication, and a role with an inline policy. */
  function resources(stack: Stack): { bucket: s3.Bucket; policy: iam.Policy } {
    const bucket = new s3.Bucket(stack, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const policy = new iam.Policy(stack, 'Inline', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('index.html')] })],
    });
    return { bucket, policy };
  }

  const ALL = [...S3_REPLICATION_RULES, ...S3_KMS_RULES, ...INLINE_POLICY_RULES];

  test('name the rules exactly as the packs report them, and acknowledgeEach acknowledges each one with its reason', () => {
    const bare = new Stack(new App(), 'Bare');
    resources(bare);
    const found = new Set(complianceReport(bare).findings.map((f) => f.ruleId));
    for (const rule of ALL) expect(found).toContain(rule);

    const acknowledged = new Stack(new App(), 'Acknowledged');
    const { bucket, policy } = resources(acknowledged);
    acknowledgeEach(bucket, [...S3_REPLICATION_RULES, ...S3_KMS_RULES], 'A test bucket that stays in one region with SSE-S3.');
    acknowledgeEach(policy, INLINE_POLICY_RULES, 'A test policy of one role.');
    const report = complianceReport(acknowledged);
    expect(report.findings.map((f) => f.ruleId).filter((r) => ALL.includes(r))).toEqual([]);
    const reasons = new Map(report.acknowledgements.map((a) => [a.ruleId, a.reason]));
    for (const rule of [...S3_REPLICATION_RULES, ...S3_KMS_RULES]) expect(reasons.get(rule)).toBe('A test bucket that stays in one region with SSE-S3.');
    for (const rule of INLINE_POLICY_RULES) expect(reasons.get(rule)).toBe('A test policy of one role.');
  });
});
