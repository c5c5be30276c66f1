/**
 * Peer composition (b): plain aws-cdk-lib L2s, as a careful engineer writes it without a library:
 * private encrypted bucket behind CloudFront with Origin Access Control, security headers, access
 * logs and a WAF WebACL (managed common rules + rate limit); a REST API with access logs, tracing
 * and throttling in front of one traced ARM64 function with its own log group; an on-demand table
 * with PITR, deletion protection and RETAIN.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { peerApp } from './peer-common';

const { app, stack, code } = peerApp();

const logBucket = new s3.Bucket(stack, 'Logs', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
  removalPolicy: RemovalPolicy.RETAIN,
  lifecycleRules: [{ expiration: Duration.days(365) }],
});
const bucket = new s3.Bucket(stack, 'Content', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  serverAccessLogsBucket: logBucket,
  serverAccessLogsPrefix: 's3/',
  removalPolicy: RemovalPolicy.RETAIN,
});
const rule = (name: string, priority: number, statement: wafv2.CfnWebACL.StatementProperty, managed: boolean): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  statement,
  ...(managed ? { overrideAction: { none: {} } } : { action: { block: {} } }),
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});
const acl = new wafv2.CfnWebACL(stack, 'WebAcl', {
  scope: 'CLOUDFRONT',
  defaultAction: { allow: {} },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'site', sampledRequestsEnabled: true },
  rules: [
    rule('common', 0, { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } }, true),
    rule('bad-inputs', 1, { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } }, true),
    rule('rate', 2, { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } }, false),
  ],
});
new cloudfront.Distribution(stack, 'Cdn', {
  defaultBehavior: {
    origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
  },
  defaultRootObject: 'index.html',
  minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
  enableLogging: true,
  logBucket,
  logFilePrefix: 'cloudfront/',
  webAclId: acl.attrArn,
});

const table = new dynamodb.TableV2(stack, 'Table', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  billing: dynamodb.Billing.onDemand(),
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  deletionProtection: true,
  removalPolicy: RemovalPolicy.RETAIN,
});
const fn = new lambda.Function(stack, 'Fn', {
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  handler: 'index.handler',
  code,
  memorySize: 512,
  timeout: Duration.seconds(10),
  tracing: lambda.Tracing.ACTIVE,
  logGroup: new logs.LogGroup(stack, 'FnLogs', { retention: logs.RetentionDays.ONE_YEAR }),
  loggingFormat: lambda.LoggingFormat.JSON,
  environment: { TABLE_NAME: table.tableName },
});
table.grantReadWriteData(fn);
const api = new apigateway.RestApi(stack, 'Api', {
  cloudWatchRole: true,
  deployOptions: {
    stageName: 'v1',
    tracingEnabled: true,
    throttlingRateLimit: 100,
    throttlingBurstLimit: 200,
    accessLogDestination: new apigateway.LogGroupLogDestination(new logs.LogGroup(stack, 'ApiLogs', { retention: logs.RetentionDays.ONE_YEAR })),
    accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
  },
});
api.root.addResource('items').addMethod('GET', new apigateway.LambdaIntegration(fn), {
  requestValidator: new apigateway.RequestValidator(stack, 'Validator', { restApi: api, validateRequestParameters: true }),
});
app.synth();
