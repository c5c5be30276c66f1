import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CATALOG_PREFIX } from './domain/catalog-uploads';
import { SecureSite } from '../../src/site';

/**
 * The merchants' catalogs: static content (images and JSON) on a SecureSite (private, encrypted,
 * versioned bucket behind CloudFront with WAF). Nothing is deployed with the stack: merchants put
 * their files under `catalogs/<merchant id>/` through the API's presigned upload URLs.
 */
export class RewardsCatalogSiteStack extends Stack {
  public readonly site: SecureSite;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.site = new SecureSite(this, 'Site', { defaultRootObject: `${CATALOG_PREFIX}/index.json` });
    new CfnOutput(this, 'CatalogsUrl', { value: this.site.url, description: `The merchants' catalogs (under /${CATALOG_PREFIX}/<merchant id>/)` });
  }
}
