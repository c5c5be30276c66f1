import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Options of `secureKey`. */
export interface SecureKeyOptions {
  /** What the key encrypts (cut to the 8192 characters KMS allows). */
  readonly description: string;
  /**
   * Let CloudWatch Logs use the key for this account's log groups in the stack's region.
   *
   * @default false
   */
  readonly forLogs?: boolean;
  /**
   * What happens to the key when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A customer managed key with yearly rotation, retained by default, that grants only to AWS
 * services (Control Tower CT.KMS.PR.3); with `forLogs`, CloudWatch Logs may use it too.
 */
export function secureKey(scope: Construct, id: string, options: SecureKeyOptions): kms.Key {
  const key = new kms.Key(scope, id, {
    description: options.description.slice(0, 8192),
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  if (options.forLogs) allowCloudWatchLogs(key);
  denyGrantsExceptToAwsServices(key);
  return key;
}

/**
 * CloudWatch Logs of the stack's region may use the key, for this account's log groups only (the
 * encryption context names the log group). A no-op on an imported key, whose policy is not ours.
 */
export function allowCloudWatchLogs(key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
  }));
}

/** The statement id of the CT.KMS.PR.3 statement, so that a reviewer finds it in the key policy. */
export const DENY_GRANTS_SID = 'DenyGrantsExceptForAwsServices';

/**
 * Denies kms:CreateGrant unless the grant is for an AWS resource or the caller is an AWS service
 * (Control Tower CT.KMS.PR.3). S3, DynamoDB, ElastiCache, Kinesis, Lambda, CloudWatch Logs and
 * CodePipeline never need more.
 */
export function denyGrantsExceptToAwsServices(key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: DENY_GRANTS_SID,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}
