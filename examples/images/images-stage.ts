import { Stage, StageProps, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GALLERY_CONSUMER, ImagesApiStack } from './images-api-stack';
import { ImagesAssetsStack } from './images-assets-stack';
import { ImagesDataStack } from './images-data-stack';
import { ImagesFrontendStack } from './images-frontend-stack';
import { ImagesMonitoringStack } from './images-monitoring-stack';
import { IMAGES_PRIVATE_SUBNETS, ImagesNetworkStack } from './images-network-stack';
import { ImagesRecoveryStack } from './images-recovery-stack';
import { IMAGES_SIZING, type ImagesSizing } from './images-sizing';
import type { ServiceMonitoring } from '../../src/monitoring';
import { REGION, Validation } from '../../src/private/validation';

export { IMAGES_SIZING, imagesSizingFor, type ImagesEnvironmentName, type ImagesSizing } from './images-sizing';

/** The recovery region when none is given: this one, or (for a stage there) the next one. */
export const DEFAULT_RECOVERY_REGION = 'eu-central-1';
const FALLBACK_RECOVERY_REGION = 'eu-west-1';
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export interface ImagesStageProps extends StageProps {
  /**
   * How big the deployment is: `IMAGES_SIZING.DEV`, `.UAT`, `.PROD`, or your own.
   *
   * @default IMAGES_SIZING.DEV
   */
  readonly sizing?: ImagesSizing;
  /**
   * The region both buckets are replicated to (the recovery stack's region), another than the stage's.
   *
   * @default 'eu-central-1' ('eu-west-1' for a stage in eu-central-1)
   */
  readonly recoveryRegion?: string;
  /**
   * The ACM certificate (in the stage's region) of the gallery's load balancer, for the name
   * people open it at.
   *
   * @default - none: no front end (ImagesFrontend stack); its HTTPS listener needs a certificate
   */
  readonly frontendCertificateArn?: string;
  /**
   * The name people open the gallery at (the certificate's name, pointed at the load balancer).
   * Browsers may post uploads to the originals bucket only from pages of `https://<name>`: the
   * bucket's CORS rule allows that origin alone.
   *
   * @default - none, and then no page may post uploads from a browser; required with `frontendCertificateArn`
   */
  readonly frontendDomainName?: string;
  /**
   * The ECR repository (ARN and name) of the gallery's image, as the delivery pipeline builds it
   * from frontend/Dockerfile.
   *
   * @default - the image is built from build/examples/images/frontend/ when the stage is deployed
   */
  readonly frontendImageRepository?: { readonly arn: string; readonly name: string };
  /**
   * The tag of the gallery's image in `frontendImageRepository`.
   *
   * @default 'latest'
   */
  readonly frontendImageTag?: string;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none: subscribe to the monitoring stack's alarm topic yourself
   */
  readonly alarmEmails?: string[];
}

/**
 * One deployment of the cat-and-hat compositor: the recovery copies of the buckets (in the
 * recovery region), the network, the table, queue and cache, the buckets with the assets
 * distribution, the private API and the compose worker, the gallery on Fargate, and monitoring.
 */
export class ImagesStage extends Stage {
  public readonly recovery: ImagesRecoveryStack;
  public readonly network: ImagesNetworkStack;
  public readonly data: ImagesDataStack;
  public readonly assets: ImagesAssetsStack;
  public readonly api: ImagesApiStack;
  /** The gallery, when `frontendCertificateArn` is given. */
  public readonly frontend?: ImagesFrontendStack;
  public readonly monitoring: ServiceMonitoring;
  /** The sizing this stage was built with. */
  public readonly sizing: ImagesSizing;
  /** Where the buckets are replicated to. */
  public readonly recoveryRegion: string;

  constructor(scope: Construct, id: string, props: ImagesStageProps = {}) {
    super(scope, id, props);
    this.sizing = props.sizing ?? IMAGES_SIZING.DEV;
    const region = props.env?.region;
    this.recoveryRegion = props.recoveryRegion
      ?? (region === DEFAULT_RECOVERY_REGION ? FALLBACK_RECOVERY_REGION : DEFAULT_RECOVERY_REGION);
    const v = new Validation('ImagesStage', this);
    if (Token.isUnresolved(this.recoveryRegion) || !REGION.test(this.recoveryRegion)) {
      v.fail('recoveryRegion', this.recoveryRegion, "a region name known at synth time, e.g. 'eu-central-1'");
    } else if (region !== undefined && !Token.isUnresolved(region) && region === this.recoveryRegion) {
      v.fail('recoveryRegion', this.recoveryRegion, "another region than the stage's (a copy in the same region does not survive a region loss)");
    }
    const certificate = props.frontendCertificateArn;
    v.matches('frontendCertificateArn', certificate, CERTIFICATE_ARN, 'the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>)');
    const domainName = props.frontendDomainName;
    if (v.matches('frontendDomainName', domainName, DOMAIN_NAME, "a lower-case DNS name such as 'gallery.example.com' (no scheme, port or path)")
      && (domainName === undefined) !== (certificate === undefined)) {
      v.fail('frontendDomainName', domainName, 'a name together with frontendCertificateArn, neither without the other '
        + '(the gallery is served at that name, and only its pages may post uploads)');
    }
    v.throwIfInvalid();

    // The recovery stack has its own region (and the stage's account); the primary stacks name its
    // buckets by strings, so nothing crosses regions but the deployment order.
    this.recovery = new ImagesRecoveryStack(this, 'ImagesRecovery', {
      env: { account: props.env?.account, region: this.recoveryRegion },
      description: 'Images: the recovery region\'s replicas of the originals and results buckets and of the cache exports',
    });
    this.network = new ImagesNetworkStack(this, 'ImagesNetwork', {
      description: 'Images: the VPC (no NAT), its gateway and interface endpoints (execute-api for the private API)',
    });
    this.data = new ImagesDataStack(this, 'ImagesData', {
      vpc: this.network.network.vpc,
      vpcSubnets: IMAGES_PRIVATE_SUBNETS,
      cache: this.sizing.cache,
      recovery: this.recovery,
      description: 'Images: the images table, the FIFO compositions queue, the Redis cache and its exports to the recovery region',
    });
    this.assets = new ImagesAssetsStack(this, 'ImagesAssets', {
      recovery: this.recovery,
      uploadOrigins: domainName === undefined ? [] : [`https://${domainName}`],
      description: 'Images: the originals and results buckets (replicated) and the assets origin (SecureSite: CloudFront, WAF)',
    });
    this.api = new ImagesApiStack(this, 'ImagesApi', {
      network: this.network,
      data: this.data,
      assets: this.assets,
      sizing: this.sizing,
      description: 'Images: the private API (API keys per consumer), its functions, the sharp layer and the compose worker',
    });
    if (props.frontendCertificateArn !== undefined) {
      this.frontend = new ImagesFrontendStack(this, 'ImagesFrontend', {
        vpc: this.network.network.vpc,
        apiUrl: this.api.api.url,
        apiKey: this.api.api.apiKeySecrets[GALLERY_CONSUMER],
        apiKeyEncryptionKey: this.api.api.encryptionKey,
        assetsBaseUrl: this.assets.site.url,
        uploadOrigin: this.assets.uploadOrigin,
        certificateArn: props.frontendCertificateArn,
        sizing: this.sizing.frontend,
        imageRepository: props.frontendImageRepository,
        imageTag: props.frontendImageTag,
        description: 'Images: the gallery (ECS Fargate) behind its load balancer and WAF',
      });
    }
    this.monitoring = new ImagesMonitoringStack(this, 'ImagesMonitoring', {
      stage: this,
      api: this.api,
      data: this.data,
      alarmEmails: props.alarmEmails,
      description: 'Images: alarms, alarm topic and dashboard',
    }).monitoring;
  }
}
