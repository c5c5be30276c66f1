import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { DEFAULT_START } from './domain/settings';
import { COUNTER_SYSTEM } from './system';
import { SecureSite } from '../../src/site';
import { SiteDomain, siteDomainProps, webContentPath } from '../shared/stack';

const { example: EXAMPLE, stageName: STAGE_NAME } = COUNTER_SYSTEM;

export interface CounterSiteStackProps extends StackProps {
  /** The counter API, served below `/<stage>/` of the site's own origin. */
  readonly api: apigateway.RestApi;
  /**
   * The start value shown in the reset confirmation.
   *
   * @default 1000
   */
  readonly startValue?: number;
  /**
   * Shown under the card, e.g. `UAT`.
   *
   * @default - nothing shown
   */
  readonly environmentName?: string;
  /**
   * The card's custom domain: its names and their us-east-1 certificate.
   *
   * @default - the distribution's `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly domain?: SiteDomain;
}

/**
 * The web card on SecureSite. CloudFront also forwards `/<stage>/*` to the API, so the page and the
 * API share one origin: no CORS, and SecureSite's default Content-Security-Policy (`default-src
 * 'self'`) holds unchanged. `config.json` is generated here and deployed with the pages.
 */
export class CounterSiteStack extends Stack {
  public readonly site: SecureSite;

  constructor(scope: Construct, id: string, props: CounterSiteStackProps) {
    super(scope, id, props);
    this.site = new SecureSite(this, 'Site', { contentPath: webContentPath(EXAMPLE), ...siteDomainProps(this, props.domain) });
    this.site.deployment!.addSource(s3deploy.Source.jsonData('config.json', {
      apiBaseUrl: `/${STAGE_NAME}`,
      startValue: props.startValue ?? DEFAULT_START,
      ...(props.environmentName ? { environment: props.environmentName } : {}),
    }));

    this.site.distribution.addBehavior(`/${STAGE_NAME}/*`, new origins.RestApiOrigin(props.api, { originPath: '' }), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Every answer is fresh: a cached count would be wrong after the next sale.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway needs its own Host header; everything else (Authorization included) is forwarded.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The counter card' });
  }
}
