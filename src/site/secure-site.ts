import * as fs from 'fs';
import * as path from 'path';
import { Arn, ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { Compliance } from '../compliance';
import { accessLogBucket, dataBucketProps, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { acknowledgeEach, INLINE_POLICY_RULES, nagResourceText, S3_REPLICATION_RULES } from '../private/nag-id';
import { described, known, Validation } from '../private/validation';
import { CloudFrontWebAcl, WebAclRulesProps } from '../waf';
import { validateWebAclRules } from '../waf/private/rules-validation';

/** Props of `SecureSite`. Also takes the WAF rule settings of `WebAclRulesProps`. */
export interface SecureSiteProps extends WebAclRulesProps {
  /**
   * Content-Security-Policy header sent with every response.
   *
   * @default - `SecureSite.DEFAULT_CONTENT_SECURITY_POLICY`: only the site's own origin, no framing, no plugins
   */
  readonly contentSecurityPolicy?: string;

  /**
   * Serve a single-page app: 403 and 404 from the bucket answer `/index.html` with status 200, so the
   * app's router handles the path.
   *
   * @default false
   */
  readonly spa?: boolean;

  /**
   * The object served for `/`.
   *
   * @default 'index.html'
   */
  readonly defaultRootObject?: string;

  /**
   * CloudFront edge locations to serve from.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * Custom domain names (e.g. `www.example.com`). Needs `certificate` or `hostedZone`.
   *
   * @default - the distribution's `*.cloudfront.net` name only
   */
  readonly domainNames?: string[];

  /**
   * An ACM certificate in us-east-1 covering `domainNames`.
   *
   * @default - created and DNS-validated in `hostedZone` when one is given (see the README for
   * stacks outside us-east-1)
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The Route 53 zone of `domainNames`: A and AAAA alias records are created in it, and the
   * certificate is validated in it when none is given.
   *
   * @default - no DNS records
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * Days a replaced or deleted object version stays recoverable in the content bucket.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to the content bucket (and its key) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long CloudFront and S3 access logs are kept in the log bucket.
   *
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;

  /**
   * How long the WAF logs (stack in us-east-1) or the WAF custom resource's logs (elsewhere) are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Upload the files of this local folder to the bucket on deploy (and invalidate the cache).
   *
   * @default - no content is deployed; upload it yourself
   */
  readonly contentPath?: string;

  /**
   * Attach this existing CLOUDFRONT-scope WebACL (its ARN, in us-east-1) instead of creating one.
   * Leave the WAF rule settings out when you give it.
   *
   * @default - a WebACL is created from the WAF rule settings
   */
  readonly webAclArn?: string;

  /**
   * Serve the site without any WAF WebACL. Not recommended: the WebACL's rate limit is what keeps
   * one client from running up the bill.
   *
   * @default false
   */
  readonly disableWebAcl?: boolean;
}

/**
 * A production-grade static site: a private, encrypted, versioned S3 bucket behind CloudFront with
 * Origin Access Control, security response headers, access logs, an optional custom domain, SPA
 * routing, and a WAF WebACL that works from a stack in any region.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { SecureSite } from 'cdk-rampart';
 *
 * new SecureSite(this, 'Site', {
 *   contentPath: 'web/dist',
 *   spa: true,
 *   domainNames: ['www.example.com'],
 *   hostedZone: route53.HostedZone.fromLookup(this, 'Zone', { domainName: 'example.com' }),
 *   rateLimit: 1000,
 * });
 */
export class SecureSite extends Construct {
  /** The Content-Security-Policy used when none is given. */
  public static readonly DEFAULT_CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'; upgrade-insecure-requests";

  /** The private bucket holding the site's files. */
  public readonly bucket: s3.Bucket;
  /** The key encrypting the content bucket. */
  public readonly encryptionKey: kms.Key;
  /** The bucket receiving CloudFront and S3 access logs. */
  public readonly logBucket: s3.Bucket;
  /** The CloudFront distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The security headers attached to every response. */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** The WebACL created for the site, unless `webAclArn` or `disableWebAcl` was given. */
  public readonly webAcl?: CloudFrontWebAcl;
  /** The ARN of the WebACL attached to the distribution, if any. */
  public readonly webAclArn?: string;
  /** The certificate, when a custom domain is used. */
  public readonly certificate?: acm.ICertificate;
  /** The content upload, when `contentPath` is given. */
  public readonly deployment?: s3deploy.BucketDeployment;
  /** `https://` and the first custom domain name, or the distribution's domain name. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SecureSiteProps = {}) {
    super(scope, id);
    const csp = props.contentSecurityPolicy ?? SecureSite.DEFAULT_CONTENT_SECURITY_POLICY;
    const spa = props.spa ?? false;
    const defaultRootObject = props.defaultRootObject ?? 'index.html';
    const priceClass = props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100;
    const domainNames = props.domainNames ?? [];
    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(90);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const accessLogRetention = props.accessLogRetention ?? Duration.days(365);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const disableWebAcl = props.disableWebAcl ?? false;
    this.validate(props, { csp, domainNames, noncurrentVersionExpiration, accessLogRetention, logRetention, disableWebAcl, defaultRootObject });

    // Access logs: CloudFront standard logging writes with an ACL grant, so ACLs stay enabled
    // (object writer) on this bucket only; it cannot use SSE-KMS either.
    this.logBucket = accessLogBucket(this, 'Logs', { expiration: accessLogRetention, cloudFrontStandardLogs: true });

    this.encryptionKey = secureKey(this, 'Key', { description: `Encrypts the content of ${this.node.path}`, removalPolicy });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(this.encryptionKey, removalPolicy),
      lifecycleRules: [{
        id: 'ExpireOldVersions',
        noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });

    logAccessTo(this.bucket, this.logBucket, 's3/');
    enableEventBridge(this.bucket);

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: `Security headers of ${this.node.path}`.slice(0, 128),
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    if (!disableWebAcl && props.webAclArn === undefined) {
      this.webAcl = new CloudFrontWebAcl(this, 'Waf', { ...pickRules(props), logRetention });
      this.webAclArn = this.webAcl.webAclArn;
    } else if (!disableWebAcl) {
      this.webAclArn = props.webAclArn;
    }

    if (domainNames.length > 0) {
      this.certificate = props.certificate ?? this.createCertificate(domainNames, props.hostedZone!);
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${this.node.path}`.slice(0, 128),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      defaultRootObject,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass,
      domainNames: domainNames.length > 0 ? domainNames : undefined,
      certificate: this.certificate,
      // The TLS policy and SNI apply to a custom certificate only; with CloudFront's default
      // certificate CloudFront fixes both, and CDK warns that the settings are ignored.
      ...(this.certificate ? {
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
      } : {}),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: this.webAclArn,
      errorResponses: spa ? [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: `/${defaultRootObject}`,
        ttl: Duration.seconds(10),
      })) : undefined,
    });

    if (props.hostedZone && domainNames.length > 0) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      domainNames.forEach((recordName, i) => {
        new route53.ARecord(this, `AliasA${i}`, { zone: props.hostedZone!, recordName, target });
        new route53.AaaaRecord(this, `AliasAAAA${i}`, { zone: props.hostedZone!, recordName, target });
      });
    }

    if (props.contentPath !== undefined) {
      this.deployment = this.deployContent(props.contentPath, logRetention);
    }

    this.url = `https://${domainNames[0] ?? this.distribution.distributionDomainName}`;
    this.acknowledge(domainNames.length > 0);
    if (this.certificate) this.acknowledgeCrossRegionCertificate(this.certificate);
  }

  private validate(props: SecureSiteProps, v: {
    csp: string;
    domainNames: string[];
    noncurrentVersionExpiration: Duration;
    accessLogRetention: Duration;
    logRetention: logs.RetentionDays;
    disableWebAcl: boolean;
    defaultRootObject: string;
  }): void {
    const check = new Validation('SecureSite', this);
    if (known(v.csp) && v.csp.trim().length === 0) {
      check.fail('contentSecurityPolicy', v.csp, "a policy such as \"default-src 'self'\" (leave it out for the default)", 'is empty');
    }
    if (known(v.csp) && /[\r\n]/.test(v.csp)) {
      check.fail('contentSecurityPolicy', v.csp, 'one line, directives separated by ";"', 'contains a line break');
    }
    check.check('defaultRootObject', v.defaultRootObject, v.defaultRootObject.length > 0 && !v.defaultRootObject.startsWith('/'),
      "an object key without a leading '/', e.g. 'index.html'");
    const wholeDays = (d: Duration) => d.isUnresolved() || (d.toDays({ integral: false }) >= 1 && Number.isInteger(d.toDays({ integral: false })));
    for (const [name, d] of [['noncurrentVersionExpiration', v.noncurrentVersionExpiration], ['accessLogRetention', v.accessLogRetention]] as const) {
      check.check(name, d, wholeDays(d), 'a whole number of days, at least 1');
    }
    check.retention('logRetention', v.logRetention);
    if (props.contentPath !== undefined && known(props.contentPath)) {
      const resolvedPath = path.resolve(props.contentPath);
      const stat = fs.existsSync(resolvedPath) ? fs.statSync(resolvedPath) : undefined;
      if (!stat) {
        check.fail('contentPath', props.contentPath, 'a folder holding the built site (or a .zip of it); build the site before synth',
          `does not exist (resolved to ${resolvedPath})`);
      } else if (!stat.isDirectory() && !resolvedPath.endsWith('.zip')) {
        check.fail('contentPath', props.contentPath, 'a folder holding the built site, or a .zip of it', 'is a file');
      }
    }

    // WAF: create one, bring one, or none; never two answers at once.
    const ruleProps = Object.keys(pickRules(props));
    if (props.webAclArn !== undefined && v.disableWebAcl) {
      check.fail('webAclArn, disableWebAcl', described('both given'), 'one of them');
    }
    if ((props.webAclArn !== undefined || v.disableWebAcl) && ruleProps.length > 0) {
      check.fail(ruleProps.join(', '), described(`WAF rule settings given with ${props.webAclArn !== undefined ? 'webAclArn' : 'disableWebAcl'}`),
        'rule settings only when the site creates its WebACL');
    }
    if (props.webAclArn !== undefined && known(props.webAclArn)) {
      const m = /^arn:[\w-]+:wafv2:([a-z0-9-]+):\d{12}:(global|regional)\/webacl\/[\w-]+\/[\w-]+$/.exec(props.webAclArn);
      if (!m) {
        check.fail('webAclArn', props.webAclArn, 'arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>', 'is not a WAFv2 WebACL ARN');
      } else if (m[2] !== 'global' || m[1] !== 'us-east-1') {
        check.fail('webAclArn', props.webAclArn, 'a CLOUDFRONT-scope WebACL (global/webacl, us-east-1)', `has scope ${m[2] === 'global' ? 'CLOUDFRONT' : 'REGIONAL'} in ${m[1]}`);
      }
    }
    if (!v.disableWebAcl && props.webAclArn === undefined) validateWebAclRules(check, props);

    // Custom domain.
    const hasDomains = v.domainNames.length > 0;
    if (hasDomains && !props.certificate && !props.hostedZone) {
      check.fail('domainNames', v.domainNames, 'also give a us-east-1 certificate, or a hostedZone to create one in', 'given without certificate or hostedZone');
    }
    if (!hasDomains && props.certificate) check.fail('certificate', props.certificate.certificateArn, 'the domain names it covers in domainNames', 'given without domainNames');
    if (!hasDomains && props.hostedZone) check.fail('hostedZone', props.hostedZone, 'the names to serve in domainNames', 'given without domainNames');
    const badNames = v.domainNames.filter((d) => known(d) && !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d));
    if (badNames.length > 0) check.fail('domainNames', badNames, "lower-case names such as 'www.example.com'", 'are not domain names');
    const repeated = v.domainNames.filter((d, i) => v.domainNames.indexOf(d) !== i);
    if (repeated.length > 0) check.fail('domainNames', repeated, 'each name once (CloudFront refuses a repeated alternate domain name)', 'appear more than once');
    const zoneName = props.hostedZone ? zoneNameOf(props.hostedZone) : undefined;
    if (zoneName && known(zoneName)) {
      const outside = v.domainNames.filter((d) => known(d) && !badNames.includes(d) && d !== zoneName && !d.endsWith(`.${zoneName}`));
      if (outside.length > 0) {
        check.fail('domainNames', outside, `names in the hostedZone '${zoneName}' (e.g. 'www.${zoneName}'), or a certificate and no hostedZone for names elsewhere`,
          `are outside the hostedZone '${zoneName}'`);
      }
    }
    if (props.certificate && known(props.certificate.certificateArn)) {
      const region = Arn.split(props.certificate.certificateArn, ArnFormat.SLASH_RESOURCE_NAME).region;
      if (region !== 'us-east-1') {
        check.fail('certificate', props.certificate.certificateArn, 'a certificate in us-east-1 (CloudFront only uses those)', `is in ${region}`);
      }
    }
    if (hasDomains && props.hostedZone && !props.certificate) {
      const region = Stack.of(this).region;
      if (!known(region)) {
        check.fail('certificate', undefined, 'a us-east-1 certificate, or give the stack an env',
          'but the stack is environment-agnostic (the certificate must be created in us-east-1 from a stack whose account and region are known)');
      } else if (region !== 'us-east-1') {
        if (!known(Stack.of(this).account)) {
          check.fail('certificate', undefined, 'a us-east-1 certificate, or give the stack env.account', `but the stack (in ${region}) has no account`);
        }
        if (!(Stack.of(this) as unknown as { _crossRegionReferences?: boolean })._crossRegionReferences) {
          check.fail('certificate', undefined, 'create the stack with crossRegionReferences: true, or pass a us-east-1 certificate',
            `but the stack is in ${region}, so the certificate is created in a us-east-1 stack and referenced across regions`);
        }
        if (!known(props.hostedZone.hostedZoneId)) {
          check.fail('hostedZone', props.hostedZone, 'an imported zone (HostedZone.fromHostedZoneAttributes), or pass a us-east-1 certificate',
            'is created in this stack and cannot validate a certificate in the us-east-1 stack (the stacks would depend on each other)');
        }
      }
    }
    check.throwIfInvalid();
  }

  /**
   * Acknowledgements for a certificate that reaches the distribution through aws-cdk-lib's
   * cross-region references (created in the companion us-east-1 stack, or given from another
   * stack in us-east-1). The reference reader and writer handlers exist only once references are
   * resolved at synth, so they are acknowledged in a validation hook, which runs after that.
   */
  private acknowledgeCrossRegionCertificate(certificate: acm.ICertificate): void {
    const stack = Stack.of(this);
    const certStack = Stack.of(certificate);
    if (certStack === stack || certStack.region === stack.region || !Token.isUnresolved(certificate.certificateArn)) return;
    const distribution = this.distribution.node.defaultChild as IConstruct;
    const reason = 'The distribution serves its custom domain with the ACM certificate from us-east-1 (viewer certificate: that ARN, '
      + 'sni-only, TLSv1.2_2021). The ARN arrives through aws-cdk-lib\'s cross-region reference (Fn::GetAtt on the stack\'s '
      + 'Custom::CrossRegionExportReader), and the control accepts only a literal ARN or a reference to a certificate in the same '
      + 'template, so it cannot see it.';
    for (const rule of ['cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check']) Compliance.acknowledge(distribution, rule, reason);

    const handlers: Array<[Stack, string, string]> = [
      [stack, 'Custom::CrossRegionExportReaderCustomResourceProvider', 'reader (Custom::CrossRegionExportReader): it reads the certificate ARN from SSM Parameter Store in us-east-1'],
      [certStack, 'Custom::CrossRegionExportWriterCustomResourceProvider', `writer (Custom::CrossRegionExportWriter): it writes the certificate ARN to SSM Parameter Store in ${stack.region}`],
    ];
    this.node.addValidation({
      validate: () => {
        for (const [inStack, id, what] of handlers) {
          const handler = inStack.node.tryFindChild(id)?.node.tryFindChild('Handler');
          if (!handler || acknowledgedReferenceHandlers.has(handler)) continue;
          acknowledgedReferenceHandlers.add(handler);
          Compliance.acknowledge(handler, 'lambda_inside_vpc_check',
            `aws-cdk-lib's cross-region reference ${what}; it runs only during deployments, through the public endpoint with its own role, `
            + 'and reaches no private resource, so a VPC would add endpoints or a NAT gateway for nothing.');
        }
        return [];
      },
    });
  }

  /**
   * A DNS-validated certificate in us-east-1: in this stack when it is in us-east-1, otherwise in a
   * companion us-east-1 stack of the same app whose ARN CDK passes across regions.
   */
  private createCertificate(domainNames: string[], zone: route53.IHostedZone): acm.ICertificate {
    const stack = Stack.of(this);
    const props = { domainName: domainNames[0], subjectAlternativeNames: domainNames.slice(1) };
    if (stack.region === 'us-east-1') {
      return new acm.Certificate(this, 'Certificate', { ...props, validation: acm.CertificateValidation.fromDns(zone) });
    }
    const stage = Stage.of(stack) ?? stack.node.root;
    const certStack = new Stack(stage as Construct, `${stack.node.id}-${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}-Certificate`, {
      env: { account: stack.account, region: 'us-east-1' },
      crossRegionReferences: true,
      description: `us-east-1 certificate of ${this.node.path}`,
    });
    const certZone = route53.HostedZone.fromHostedZoneAttributes(certStack, 'Zone', { hostedZoneId: zone.hostedZoneId, zoneName: zone.zoneName });
    return new acm.Certificate(certStack, 'Certificate', { ...props, validation: acm.CertificateValidation.fromDns(certZone) });
  }

  /**
   * Upload a local folder with aws-s3-deployment (its handler ships prebuilt inside aws-cdk-lib), with
   * our own role, an encrypted log group and active tracing; what remains is acknowledged precisely.
   */
  private deployContent(contentPath: string, logRetention: logs.RetentionDays): s3deploy.BucketDeployment {
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'ContentDeploymentLogs', {
      retention: logRetention,
      encryptionKey: secureKey(this, 'ContentDeploymentLogKey', { description: `Encrypts the content deployment logs of ${this.node.path}`, forLogs: true }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'ContentDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Uploads the content of ${this.node.path}`.slice(0, 1000),
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    }));
    const deployment = new s3deploy.BucketDeployment(this, 'Content', {
      sources: [s3deploy.Source.asset(contentPath)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: CONTENT_DEPLOYMENT_MEMORY,
      role,
      logGroup,
    });

    // The handler is a stack-wide singleton that aws-cdk-lib creates; trace it like our own functions.
    const handler = stack.node.tryFindChild(`Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C${CONTENT_DEPLOYMENT_MEMORY}MiB`) as lambda.Function | undefined;
    const cfnHandler = handler?.node.defaultChild as lambda.CfnFunction | undefined;
    if (cfnHandler) {
      cfnHandler.tracingConfig = { mode: 'Active' };
      this.acknowledgeContentHandler(cfnHandler);
    }

    const policy = role.node.tryFindChild('DefaultPolicy')!.node.defaultChild as IConstruct;
    const grantReason = 'Generated by aws-cdk-lib\'s grants for BucketDeployment: read of the one source asset, read/write of this site\'s bucket and its key only';
    for (const finding of ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
      'Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*', `Resource::${nagResourceText(this, this.bucket.arnForObjects('*'))}`]) {
      Compliance.acknowledge(policy, `AwsSolutions-IAM5[${finding}]`, `${grantReason}; the wildcard covers the object keys and action variants the upload (with prune) needs.`);
    }
    const assetsBucket = (stack.synthesizer as unknown as { bucketName?: string }).bucketName;
    if (assetsBucket) {
      Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagResourceText(this, `arn:${Aws.PARTITION}:s3:::${assetsBucket}/*`)}]`,
        `${grantReason}; the CDK assets bucket is read for the content zip, whose key is only known at deploy time.`);
    }
    Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
      'cloudfront:CreateInvalidation/GetInvalidation (added by BucketDeployment to invalidate the cache after upload) and xray:PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.');
    Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagResourceText(this, `${logGroup.logGroupArn}:log-stream:*`)}]`,
      'Lambda names its log streams at run time; the grant is limited to the streams of the deployment\'s own log group.');
    acknowledgeEach(policy, INLINE_POLICY_RULES,
      'BucketDeployment adds its grants to the role it is given as an inline policy; the role belongs to this deployment alone and holds only those grants.');
    return deployment;
  }

  private acknowledgeContentHandler(fn: lambda.CfnFunction): void {
    // The singleton is shared by every SecureSite with content in the stack: acknowledge once.
    if (acknowledgedContentHandlers.has(fn)) return;
    acknowledgedContentHandlers.add(fn);
    const cfn = 'It runs only when CloudFormation deploys the site content (create, update, delete of the deployment)';
    Compliance.acknowledge(fn, 'AwsSolutions-L1',
      'aws-cdk-lib ships the BucketDeployment handler prebuilt (Python with the AWS CLI layer) for the runtime it pins; it runs only during deployment. It moves to a newer runtime with aws-cdk-lib.');
    Compliance.acknowledge(fn, 'Serverless-LambdaLatestVersion',
      'aws-cdk-lib ships the BucketDeployment handler prebuilt for the runtime it pins; it runs only during deployment. It moves to a newer runtime with aws-cdk-lib.');
    for (const rule of ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency']) {
      Compliance.acknowledge(fn, rule, `${cfn}; reserving concurrency would take it from the account's pool.`);
    }
    for (const rule of ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
      Compliance.acknowledge(fn, rule, `${cfn}; failures are reported to CloudFormation, which fails and rolls back the deployment, so a dead-letter queue would hold nothing actionable.`);
    }
    for (const rule of ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC', 'lambda_inside_vpc_check']) {
      Compliance.acknowledge(fn, rule, `${cfn}; it reaches only S3 and CloudFront public endpoints over TLS with its role, no private resource.`);
    }
  }

  private acknowledge(customDomain: boolean): void {
    // The log bucket acknowledges its own findings (accessLogBucket).
    const bucket = this.bucket.node.defaultChild as IConstruct;
    acknowledgeEach(bucket, S3_REPLICATION_RULES,
      'Cross-region replication is the DR construct\'s job; this bucket is versioned and retained, and the site content is rebuilt from source by its deployment.');
    Compliance.acknowledge(bucket, 's3_bucket_object_lock_enabled_check',
      'Site files are replaced on every release and old versions expire by design; versioning, RETAIN and the KMS key protect them, and Object Lock would make withdrawn content undeletable.');

    const distribution = this.distribution.node.defaultChild as IConstruct;
    Compliance.acknowledge(distribution, 'AwsSolutions-CFR1',
      'A public site serves every country by default; the WebACL takes geoAllowList / geoDenyList when a restriction is needed.');
    Compliance.acknowledge(distribution, 'cloudfront_origin_failover_enabled_check',
      'One S3 origin in one region; a second-region origin group belongs to the DR construct, which adds the replica bucket.');
    if (!customDomain) {
      const reason = 'Without domainNames the site is served on its *.cloudfront.net name with CloudFront\'s default certificate, whose TLS policy and SNI mode CloudFront fixes; with a custom domain the distribution uses its ACM certificate, SNI and TLSv1.2_2021.';
      for (const rule of ['AwsSolutions-CFR4', 'cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check', 'cloudfront_security_policy_check']) {
        Compliance.acknowledge(distribution, rule, reason);
      }
    }
  }
}

const CONTENT_DEPLOYMENT_MEMORY = 512;
const acknowledgedReferenceHandlers = new WeakSet<IConstruct>();
const acknowledgedContentHandlers = new WeakSet<lambda.CfnFunction>();

/** Only the WAF rule settings of the props that were given. */
function pickRules(props: SecureSiteProps): WebAclRulesProps {
  const rules: Record<string, unknown> = {
    managedRuleGroups: props.managedRuleGroups,
    rateLimit: props.rateLimit,
    rateLimitWindow: props.rateLimitWindow,
    geoAllowList: props.geoAllowList,
    geoDenyList: props.geoDenyList,
    ipAllowList: props.ipAllowList,
    ipDenyList: props.ipDenyList,
  };
  return Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined)) as WebAclRulesProps;
}

function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName.replace(/\.$/, '');
  } catch {
    return undefined; // HostedZone.fromHostedZoneId: the name is not known
  }
}
