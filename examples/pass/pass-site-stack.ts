import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EXAMPLE, STAGE_NAME } from './routes';
import { SecureSite } from '../../src/site';
import { REPO_ROOT } from '../shared/local/routes';

export interface PassSiteStackProps extends StackProps {
  /** The pass API, served below `/<stage>/` of the site's own origin. */
  readonly api: apigateway.RestApi;
  /** Cognito settings the pages sign in with. */
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

/** The built web app, or (until the pages are built) a placeholder page. */
export function passWebContent(): string {
  const built = path.join(REPO_ROOT, 'build', 'examples', EXAMPLE, 'web');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.join(__dirname, 'placeholder');
}

/**
 * The public site on SecureSite (CloudFront, WAF, security headers): the pages and a generated
 * `config.json`. CloudFront forwards `/<stage>/*` to the API uncached (answers are per caller), and
 * caches `/<stage>/keys` (the public signing key, for offline checks) as the API's Cache-Control says.
 */
export class PassSiteStack extends Stack {
  public readonly site: SecureSite;

  constructor(scope: Construct, id: string, props: PassSiteStackProps) {
    super(scope, id, props);
    this.site = new SecureSite(this, 'Site', { contentPath: passWebContent() });
    this.site.deployment!.addSource(s3deploy.Source.jsonData('config.json', {
      apiBaseUrl: `/${STAGE_NAME}`,
      region: this.region,
      userPoolId: props.userPoolId,
      userPoolClientId: props.userPoolClientId,
    }));

    const apiOrigin = new origins.RestApiOrigin(props.api, { originPath: '' });
    this.site.distribution.addBehavior(`/${STAGE_NAME}/keys`, apiOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: new cloudfront.CachePolicy(this, 'KeysCache', {
        comment: 'Public signing keys: cached at the edge for as long as the API says (1 hour)',
        defaultTtl: Duration.hours(1),
        minTtl: Duration.seconds(0),
        maxTtl: Duration.days(1),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }),
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });
    this.site.distribution.addBehavior(`/${STAGE_NAME}/*`, apiOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The movement pass site' });
  }
}
