import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { deployContent } from '../../src/site/private/content-deployment';

const CONTENT = path.join(__dirname, 'fixtures', 'web');

function site(stack: Stack, id: string) {
  const scope = new Construct(stack, id);
  const bucket = new s3.Bucket(scope, 'Bucket');
  const distribution = new cloudfront.Distribution(scope, 'Distribution', { defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(bucket) } });
  return { scope, bucket, distribution };
}

describe('deployContent', () => {
  test('uploads to the bucket, invalidates everything, with its own role, encrypted logs and a traced handler', () => {
    const stack = new Stack(new App(), 'S');
    const { scope, bucket, distribution } = site(stack, 'Site');
    deployContent(scope, { bucket, distribution }, CONTENT, logs.RetentionDays.ONE_YEAR);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: stack.resolve(bucket.bucketName),
      DistributionId: stack.resolve(distribution.distributionId),
      DistributionPaths: ['/*'],
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      Description: 'Uploads the content of S/Site',
    });
    // Its grants are one customer managed policy on its role, never an inline policy.
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SiteContentDeploymentRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          // The log group's ARN (ending in ':*') names its streams: no ':log-stream:*' wildcard.
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteContentDeploymentLogs'), 'Arn'] } }),
          Match.objectLike({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }),
        ]),
      },
    });
  });

  test('two sites in a stack share the one handler, each with its own role and logs', () => {
    const stack = new Stack(new App(), 'S');
    for (const id of ['A', 'B']) {
      const { scope, bucket, distribution } = site(stack, id);
      deployContent(scope, { bucket, distribution }, CONTENT, logs.RetentionDays.ONE_MONTH);
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { MemorySize: 512 } }))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^Uploads the content of') } }))).toHaveLength(2);
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } }))).toHaveLength(2);
  });
});
