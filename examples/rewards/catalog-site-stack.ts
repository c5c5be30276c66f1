import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CATALOG_PREFIX } from './domain/catalog-uploads';
import { SecureSite } from '../../src/site';
import { SiteDomain, siteDomainProps } from '../shared/stack';

/** Properties of the catalogs stack. */
export interface RewardsCatalogSiteStackProps extends StackProps {
  /**
   * The catalogs' custom domain: its names and their us-east-1 certificate.
   *
   * @default - the `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly domain?: SiteDomain;
}

/**
 * The merchants' catalogs: static content (images and JSON) on a SecureSite (private, encrypted,
 * versioned bucket behind CloudFront with WAF). Nothing is deployed with the stack: merchants put
 * their files under `catalogs/<merchant id>/` through the API's presigned upload URLs.
 */
export class RewardsCatalogSiteStack extends Stack {
  public readonly site: SecureSite;

  constructor(scope: Construct, id: string, props: RewardsCatalogSiteStackProps = {}) {
    super(scope, id, props);
    this.site = new SecureSite(this, 'Site', { defaultRootObject: `${CATALOG_PREFIX}/index.json`, ...siteDomainProps(this, props.domain) });
    // The merchant page (on the web apps' origin) PUTs its presigned uploads straight to this
    // bucket. The presigned URL is the authorization (one key under catalogs/<merchant id>/, one
    // content type, 5 minutes); CORS only lets a browser send it. The web apps' origin is not known
    // here (their stack reads this one), and any origin holding such a URL could PUT without a
    // browser anyway, so the rule names PUT and the one signed header, not an origin.
    this.site.bucket.addCorsRule({
      allowedMethods: [s3.HttpMethods.PUT],
      allowedOrigins: ['*'],
      allowedHeaders: ['content-type'],
      maxAge: 600,
    });
    new CfnOutput(this, 'CatalogsUrl', { value: this.site.url, description: `The merchants' catalogs (under /${CATALOG_PREFIX}/<merchant id>/)` });
  }
}
