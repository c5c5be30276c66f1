import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';

/** The custom domain of an example's site, as an environment's settings give it. */
export interface SiteDomain {
  /** The names the site answers to; SecureSite refuses them without a certificate. */
  readonly domainNames?: string[];
  /** The ACM certificate in us-east-1 covering `domainNames`; SecureSite refuses it without names. */
  readonly certificateArn?: string;
}

/**
 * SecureSite's `domainNames` and `certificate` from a `SiteDomain`: with both, the distribution
 * serves the names with that certificate, SNI and TLSv1.2_2021; with neither, CloudFront's
 * default certificate on the `*.cloudfront.net` name (whose TLS policy CloudFront fixes).
 */
export function siteDomainProps(scope: Construct, domain: SiteDomain = {}): { domainNames?: string[]; certificate?: acm.ICertificate } {
  return {
    ...(domain.domainNames !== undefined ? { domainNames: domain.domainNames } : {}),
    ...(domain.certificateArn !== undefined ? { certificate: acm.Certificate.fromCertificateArn(scope, 'SiteCertificate', domain.certificateArn) } : {}),
  };
}

/** Domain names in one delivery config value (the config holds strings, numbers and booleans): comma-separated. */
export function joinDomainNames(names: string[]): string {
  return names.join(',');
}

/** The domain names of a `joinDomainNames` value. */
export function splitDomainNames(value: string): string[] {
  return value.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
}
