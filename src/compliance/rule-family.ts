/**
 * A family of equivalent rules: the same requirement as each pack words it (cdk-nag AwsSolutions,
 * NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1, Serverless, and the Control Tower proactive
 * controls). `Compliance.acknowledgeFamily()` acknowledges every rule of a family with one reason,
 * and `Compliance.familyRules()` lists them.
 */
export enum RuleFamily {
  /** A Lambda function outside a VPC: `*-LambdaInsideVPC` (NIST, HIPAA, PCI) and CT.LAMBDA.PR.3. */
  LAMBDA_INSIDE_VPC = 'LambdaInsideVpc',
  /** A Lambda function without reserved concurrency: `*-LambdaConcurrency` (NIST, HIPAA). */
  LAMBDA_CONCURRENCY = 'LambdaConcurrency',
  /** A Lambda function without a dead-letter queue: `*-LambdaDLQ` (NIST, HIPAA, Serverless). */
  LAMBDA_DEAD_LETTER_QUEUE = 'LambdaDeadLetterQueue',
  /** A Lambda function not on the latest runtime: AwsSolutions-L1, Serverless-LambdaLatestVersion. */
  LAMBDA_LATEST_RUNTIME = 'LambdaLatestRuntime',
  /** A secret without automatic rotation: AwsSolutions-SMG4, `*-SecretsManagerRotationEnabled` (NIST, HIPAA). */
  SECRET_ROTATION = 'SecretRotation',
  /** A bucket not replicated to another region: `*-S3BucketReplicationEnabled` (NIST, HIPAA, PCI). */
  S3_REPLICATION = 'S3Replication',
  /** A bucket without server access logging: AwsSolutions-S1, `*-S3BucketLoggingEnabled` (NIST, HIPAA, PCI), CT.S3.PR.2. */
  S3_ACCESS_LOGGING = 'S3AccessLogging',
  /** A bucket not encrypted with a KMS key by default: `*-S3DefaultEncryptionKMS` (NIST, HIPAA, PCI), CT.S3.PR.10. */
  S3_KMS_ENCRYPTION = 'S3KmsEncryption',
  /** A queue without a dead-letter queue: AwsSolutions-SQS3, Serverless-SQSRedrivePolicy, CT.SQS.PR.1. */
  SQS_DEAD_LETTER_QUEUE = 'SqsDeadLetterQueue',
  /** An API Gateway stage without execution logging: AwsSolutions-APIG6, `*-APIGWExecutionLoggingEnabled` (NIST, HIPAA, PCI), CT.APIGATEWAY.PR.1. */
  API_EXECUTION_LOGGING = 'ApiExecutionLogging',
  /** An API Gateway stage without an encrypted cache: `*-APIGWCacheEnabledAndEncrypted` (NIST, HIPAA, PCI), CT.APIGATEWAY.PR.3. */
  API_CACHE = 'ApiCache',
  /** An API Gateway stage without a client certificate: `*-APIGWSSLEnabled` (NIST, HIPAA, PCI). */
  API_CLIENT_CERTIFICATE = 'ApiClientCertificate',
  /** An API Gateway method without authorization: AwsSolutions-APIG4 and AwsSolutions-COG4 (no Cognito authorizer). */
  API_AUTHORIZATION = 'ApiAuthorization',
  /** A route to an internet gateway: `*-VPCNoUnrestrictedRouteToIGW` (NIST, HIPAA, PCI). */
  VPC_ROUTE_TO_INTERNET_GATEWAY = 'VpcRouteToInternetGateway',
  /** A load balancer listener without an ACM certificate: `*-ELBv2ACMCertificateRequired` (NIST, HIPAA, PCI), CT.ELASTICLOADBALANCING.PR.2. */
  ELBV2_ACM_CERTIFICATE = 'Elbv2AcmCertificate',
  /** An inline IAM policy: `*-IAMNoInlinePolicy` (NIST, HIPAA, PCI). */
  IAM_INLINE_POLICY = 'IamInlinePolicy',
  /** An RDS resource outside an AWS Backup plan: `*-RDSInBackupPlan` (NIST, HIPAA). */
  RDS_IN_BACKUP_PLAN = 'RdsInBackupPlan',
  /** A CodeBuild project's source repository URL: `*-CodeBuildProjectSourceRepoUrl` (HIPAA, PCI), CT.CODEBUILD.PR.1. */
  CODEBUILD_SOURCE_REPOSITORY = 'CodeBuildSourceRepository',
  /**
   * A distribution served with CloudFront's default `*.cloudfront.net` certificate: AwsSolutions-CFR4
   * (TLS version), CT.CLOUDFRONT.PR.6 (custom certificate), PR.7 (SNI) and PR.9 (security policy).
   */
  CLOUDFRONT_DEFAULT_CERTIFICATE = 'CloudFrontDefaultCertificate',
}
