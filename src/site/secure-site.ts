import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeCrossRegionCertificate, acknowledgeSiteFindings } from './private/acknowledgements';
import { siteCertificate } from './private/certificate';
import { deployContent } from './private/content-deployment';
import { encryptWithAlias, SiteOrigin } from './private/site-origin';
import { validateSecureSiteProps } from './private/site-validation';
import { accessLogBucket, dataBucketProps, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { CloudFrontWebAcl, CloudFrontWebAclProps } from '../waf';

/** Props of `SecureSite`. */
export interface SecureSiteProps {
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
   * How long the logs of the content upload are kept, and the WAF request logs (and, outside
   * us-east-1, the WAF custom resource's logs) unless `waf.logRetention` says otherwise.
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
   * The CLOUDFRONT-scope WAF WebACL the site creates in front of the distribution (AWS managed rule
   * groups, a rate-based rule per client IP, optional geo and IP lists) and its logs.
   *
   * @default - a WebACL with the default rules of `WebAclRules`, logs kept for `logRetention`
   */
  readonly waf?: CloudFrontWebAclProps;

  /**
   * Attach this existing CLOUDFRONT-scope WebACL (its ARN, in us-east-1) instead of creating one.
   * Leave `waf` out when you give it.
   *
   * @default - a WebACL is created from `waf`
   */
  readonly webAclArn?: string;

  /**
   * Put a WAF WebACL in front of the distribution (the created one, or `webAclArn`). Turn it off
   * only when something else protects the site: the WebACL's rate limit is what keeps one client
   * from running up the bill.
   *
   * @default true
   */
  readonly wafEnabled?: boolean;
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
 *   waf: { rateLimit: 1000 },
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
  /** The WebACL created for the site, unless `webAclArn` is given or `wafEnabled` is false. */
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
    const wafEnabled = props.wafEnabled ?? true;
    const resolved = { csp, domainNames, noncurrentVersionExpiration, accessLogRetention, logRetention, wafEnabled, defaultRootObject };
    validateSecureSiteProps(this, props, resolved);

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
    const keyAlias = encryptWithAlias(this.bucket, this.encryptionKey);

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

    if (wafEnabled && props.webAclArn === undefined) {
      this.webAcl = new CloudFrontWebAcl(this, 'Waf', { ...props.waf, logRetention: props.waf?.logRetention ?? logRetention });
      this.webAclArn = this.webAcl.webAclArn;
    } else if (wafEnabled) {
      this.webAclArn = props.webAclArn;
    }

    if (domainNames.length > 0) {
      this.certificate = props.certificate ?? siteCertificate(this, domainNames, props.hostedZone!);
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${this.node.path}`.slice(0, 128),
      defaultBehavior: {
        origin: new SiteOrigin(this.bucket, this.encryptionKey),
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
      this.deployment = deployContent(this, this, props.contentPath, logRetention);
      this.deployment.node.addDependency(keyAlias);
    }

    this.url = `https://${domainNames[0] ?? this.distribution.distributionDomainName}`;
    acknowledgeSiteFindings(this, domainNames.length > 0);
    if (this.certificate) acknowledgeCrossRegionCertificate(this, this.certificate);
  }

}
