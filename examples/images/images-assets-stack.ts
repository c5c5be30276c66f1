import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ImagesRecoveryStack } from './images-recovery-stack';
import { IMAGES_SYSTEM, type ImagesBucketSpec } from './system';
import { ReplicatedBucket } from '../../src/dr';
import { SecureSite } from '../../src/site';

const { originals: ORIGINALS, results: RESULTS } = IMAGES_SYSTEM.buckets;

/**
 * Days a noncurrent version of a result is kept. S3 replication needs versioning, so the results
 * bucket is versioned although nothing replaces a result (its key is the composition's hash): a
 * noncurrent version could only come from composing the same key twice, and is the same picture.
 */
const RESULTS_NONCURRENT_DAYS = 1;

export interface ImagesAssetsStackProps extends StackProps {
  /** The recovery region's replicas of both buckets. */
  readonly recovery: ImagesRecoveryStack;
  /**
   * The origins (`https://<gallery name>`) whose pages may post uploads to the originals bucket
   * from a browser.
   *
   * @default - none: no CORS rule, no browser upload
   */
  readonly uploadOrigins?: string[];
}

/**
 * The originals and results buckets (each replicated to the recovery region) and the assets
 * origin browsers fetch them from: SecureSite's CloudFront distribution (WAF, security headers,
 * access logs) with `/originals/*` and `/results/*` going to the buckets through Origin Access
 * Control. The site's own bucket holds nothing: the gallery's pages and scripts come from its
 * container.
 *
 * The buckets and the distribution are in one stack on purpose: an OAC origin makes the bucket's
 * policy and its key's policy name the distribution (`ReplicatedBucket.distributionOrigin`), while the
 * distribution names the bucket's domain, so with the buckets in another stack each stack would
 * reference the other.
 */
export class ImagesAssetsStack extends Stack {
  /** Uploads: `originals/<kind>/<imageId>`, written by presigned POSTs only. */
  public readonly originals: ReplicatedBucket;
  /** Composed PNGs: `results/<key>.png`, written by the worker only. */
  public readonly results: ReplicatedBucket;
  /** The assets origin (`ASSETS_BASE_URL`). */
  public readonly site: SecureSite;
  /** Where the browser sends a presigned POST: the originals bucket's regional endpoint. */
  public readonly uploadOrigin: string;

  constructor(scope: Construct, id: string, props: ImagesAssetsStackProps) {
    super(scope, id, props);
    this.originals = new ReplicatedBucket(this, 'Originals', { recoveryBucket: props.recovery.originals });
    this.results = new ReplicatedBucket(this, 'Results', { recoveryBucket: props.recovery.results });
    expireNoncurrentVersions(this.originals.bucket, ORIGINALS);
    this.results.bucket.addLifecycleRule({ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(RESULTS_NONCURRENT_DAYS) });
    // The browser posts the form straight to the bucket and reads the answer, from the gallery's
    // pages only. The presigned policy (one key, one content type, at most 5 MiB, five minutes) is
    // what authorizes an upload; the origin keeps other sites' pages from sending one.
    const uploadOrigins = props.uploadOrigins ?? [];
    if (uploadOrigins.length > 0) {
      this.originals.bucket.addCorsRule({
        allowedMethods: [s3.HttpMethods.POST],
        allowedOrigins: uploadOrigins,
        allowedHeaders: ['*'],
        maxAge: 600,
      });
    }
    this.uploadOrigin = `https://${this.originals.bucket.bucketRegionalDomainName}`;

    this.site = new SecureSite(this, 'Site', {});
    // Each bucket's policy and key policy let CloudFront read for this distribution only.
    for (const [spec, replicated] of [[ORIGINALS, this.originals], [RESULTS, this.results]] as const) {
      this.site.distribution.addBehavior(`/${spec.prefix}/*`, replicated.distributionOrigin(), {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.site.responseHeadersPolicy,
        compress: true,
      });
    }

    new CfnOutput(this, 'AssetsUrl', { value: this.site.url, description: 'The assets origin: /originals/* and /results/*' });
  }
}

function expireNoncurrentVersions(bucket: s3.Bucket, spec: ImagesBucketSpec): void {
  if (spec.noncurrentVersionExpirationDays === undefined) return;
  bucket.addLifecycleRule({ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(spec.noncurrentVersionExpirationDays) });
}
