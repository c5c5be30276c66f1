import { RuleFamily } from '../rule-family';

/** The packs in which cdk-nag words one check. */
function inPacks(check: string, packs: readonly string[]): string[] {
  return packs.map((pack) => `${pack}-${check}`);
}

const NIST_HIPAA_PCI = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
const NIST_HIPAA = ['NIST.800.53.R5', 'HIPAA.Security'];

/**
 * The rules of each family: every pack's rule for the same requirement. A cdk-nag check shared by
 * several packs is in a family with all of them (test/compliance/rule-families.test.ts checks this
 * against the rule catalogue); Control Tower controls and differently named cdk-nag checks are
 * matched by what they check.
 */
export const RULE_FAMILIES: Readonly<Record<RuleFamily, readonly string[]>> = {
  [RuleFamily.LAMBDA_INSIDE_VPC]: [...inPacks('LambdaInsideVPC', NIST_HIPAA_PCI), 'lambda_inside_vpc_check'],
  [RuleFamily.LAMBDA_CONCURRENCY]: inPacks('LambdaConcurrency', NIST_HIPAA),
  [RuleFamily.LAMBDA_DEAD_LETTER_QUEUE]: inPacks('LambdaDLQ', [...NIST_HIPAA, 'Serverless']),
  [RuleFamily.LAMBDA_LATEST_RUNTIME]: ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'],
  [RuleFamily.SECRET_ROTATION]: ['AwsSolutions-SMG4', ...inPacks('SecretsManagerRotationEnabled', NIST_HIPAA)],
  [RuleFamily.S3_REPLICATION]: inPacks('S3BucketReplicationEnabled', NIST_HIPAA_PCI),
  [RuleFamily.S3_ACCESS_LOGGING]: ['AwsSolutions-S1', ...inPacks('S3BucketLoggingEnabled', NIST_HIPAA_PCI), 's3_bucket_logging_enabled_check'],
  [RuleFamily.S3_KMS_ENCRYPTION]: [...inPacks('S3DefaultEncryptionKMS', NIST_HIPAA_PCI), 's3_bucket_default_encryption_kms_check'],
  [RuleFamily.SQS_DEAD_LETTER_QUEUE]: ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy', 'sqs_dlq_check'],
  [RuleFamily.API_EXECUTION_LOGGING]: ['AwsSolutions-APIG6', ...inPacks('APIGWExecutionLoggingEnabled', NIST_HIPAA_PCI), 'api_gw_v1_execution_logging_enabled_check'],
  [RuleFamily.API_CACHE]: [...inPacks('APIGWCacheEnabledAndEncrypted', NIST_HIPAA_PCI), 'api_gw_cache_encrypted_check'],
  [RuleFamily.API_CLIENT_CERTIFICATE]: inPacks('APIGWSSLEnabled', NIST_HIPAA_PCI),
  [RuleFamily.API_AUTHORIZATION]: ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  [RuleFamily.VPC_ROUTE_TO_INTERNET_GATEWAY]: inPacks('VPCNoUnrestrictedRouteToIGW', NIST_HIPAA_PCI),
  [RuleFamily.ELBV2_ACM_CERTIFICATE]: [...inPacks('ELBv2ACMCertificateRequired', NIST_HIPAA_PCI), 'elbv2_acm_certificate_required_check'],
  [RuleFamily.IAM_INLINE_POLICY]: inPacks('IAMNoInlinePolicy', NIST_HIPAA_PCI),
  [RuleFamily.RDS_IN_BACKUP_PLAN]: inPacks('RDSInBackupPlan', NIST_HIPAA),
  [RuleFamily.CODEBUILD_SOURCE_REPOSITORY]: [...inPacks('CodeBuildProjectSourceRepoUrl', ['HIPAA.Security', 'PCI.DSS.321']), 'codebuild_project_source_repo_url_check'],
  [RuleFamily.CLOUDFRONT_DEFAULT_CERTIFICATE]: ['AwsSolutions-CFR4', 'cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check', 'cloudfront_security_policy_check'],
};
