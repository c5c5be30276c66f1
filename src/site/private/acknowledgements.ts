import { Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { Compliance, RuleFamily } from '../../compliance';

const acknowledgedReferenceHandlers = new WeakSet<IConstruct>();

/** The site's resources the acknowledgements sit on. */
export interface SiteResources extends IConstruct {
  readonly bucket: s3.IBucket;
  readonly distribution: cloudfront.Distribution;
}

/** The findings the site's bucket and distribution hold by design, each with its reason. */
export function acknowledgeSiteFindings(site: SiteResources, customDomain: boolean): void {
  // The log bucket acknowledges its own findings (accessLogBucket).
  const bucket = site.bucket.node.defaultChild as IConstruct;
  Compliance.acknowledgeFamily(bucket, RuleFamily.S3_REPLICATION,
    'Cross-region replication is the DR construct\'s job; this bucket is versioned and retained, and the site content is rebuilt from source by its deployment.');
  Compliance.acknowledge(bucket, 's3_bucket_object_lock_enabled_check',
    'Site files are replaced on every release and old versions expire by design; versioning, RETAIN and the KMS key protect them, and Object Lock would make withdrawn content undeletable.');

  const distribution = site.distribution.node.defaultChild as IConstruct;
  Compliance.acknowledge(distribution, 'AwsSolutions-CFR1',
    'A public site serves every country by default; the WebACL takes geoAllowList / geoDenyList when a restriction is needed.');
  Compliance.acknowledge(distribution, 'cloudfront_origin_failover_enabled_check',
    'One S3 origin in one region; a second-region origin group belongs to the DR construct, which adds the replica bucket.');
  if (!customDomain) {
    const reason = 'Without domainNames the site is served on its *.cloudfront.net name with CloudFront\'s default certificate, whose TLS policy and SNI mode CloudFront fixes; with a custom domain the distribution uses its ACM certificate, SNI and TLSv1.2_2021.';
    Compliance.acknowledgeFamily(distribution, RuleFamily.CLOUDFRONT_DEFAULT_CERTIFICATE, reason);
  }
}

/**
 * Acknowledgements for a certificate that reaches the distribution through aws-cdk-lib's
 * cross-region references (created in the companion us-east-1 stack, or given from another
 * stack in us-east-1). The reference reader and writer handlers exist only once references are
 * resolved at synth, so they are acknowledged in a validation hook, which runs after that.
 */
export function acknowledgeCrossRegionCertificate(site: SiteResources, certificate: acm.ICertificate): void {
  const stack = Stack.of(site);
  const certStack = Stack.of(certificate);
  if (certStack === stack || certStack.region === stack.region || !Token.isUnresolved(certificate.certificateArn)) return;
  const distribution = site.distribution.node.defaultChild as IConstruct;
  const reason = 'The distribution serves its custom domain with the ACM certificate from us-east-1 (viewer certificate: that ARN, '
    + 'sni-only, TLSv1.2_2021). The ARN arrives through aws-cdk-lib\'s cross-region reference (Fn::GetAtt on the stack\'s '
    + 'Custom::CrossRegionExportReader), and the control accepts only a literal ARN or a reference to a certificate in the same '
    + 'template, so it cannot see it.';
  for (const rule of ['cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check']) Compliance.acknowledge(distribution, rule, reason);

  const handlers: Array<[Stack, string, string]> = [
    [stack, 'Custom::CrossRegionExportReaderCustomResourceProvider', 'reader (Custom::CrossRegionExportReader): it reads the certificate ARN from SSM Parameter Store in us-east-1'],
    [certStack, 'Custom::CrossRegionExportWriterCustomResourceProvider', `writer (Custom::CrossRegionExportWriter): it writes the certificate ARN to SSM Parameter Store in ${stack.region}`],
  ];
  site.node.addValidation({
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
