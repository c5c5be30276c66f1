import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ImagesStage, imagesSizingFor } from './images-stage';
import { ServiceMonitoring } from '../../src/monitoring';
import { DeliveryEnvironment, DeliveryEnvironmentProps, DeliveryPipeline, DeliverySource, IDeliveryStageFactory } from '../../src/pipeline';

/** Where `npx projen examples:build` writes the gallery's container build context (frontend/Dockerfile and the bundles). */
export const IMAGES_FRONTEND_CONTEXT = 'build/examples/images/frontend';

export interface ImagesPipelineStackProps extends StackProps {
  /** The CodeConnections connection to the repository host. */
  readonly connectionArn: string;
  /** `owner/name` of the repository holding this project. */
  readonly repository: string;
  /** DEV, UAT and PROD: accounts, regions and each one's settings (the keys of `ImagesStageFactory`). */
  readonly environments: DeliveryEnvironmentProps[];
  /**
   * Emails asked to approve PROD deployments.
   *
   * @default - none: subscribe to the approval topic yourself
   */
  readonly approverEmails?: string[];
}

/**
 * The compositor's delivery: DEV, UAT and PROD, each from its branch (dev, uat, main), with an
 * approval before PROD. Each commit's gallery image is built once from frontend/Dockerfile (its
 * bundles made by `npx projen examples:build` first) and deployed by tag to every environment.
 */
export class ImagesPipelineStack extends Stack {
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: ImagesPipelineStackProps) {
    super(scope, id, props);
    this.delivery = new DeliveryPipeline(this, 'Delivery', {
      source: DeliverySource.connection({ connectionArn: props.connectionArn, repository: props.repository }),
      environments: props.environments,
      stageFactory: new ImagesStageFactory(),
      // The compositor lives in this repository's examples/: build its handlers, sharp layer and
      // gallery, test it (policies without engines; handlers, uploads and the worker against
      // DynamoDB Local, redis-server, s3rver and the real sharp; the gallery and its journey in
      // headless Chromium; its stacks against every pack), then synthesize its app. tools/setup.sh
      // installs the engines, the browser, Node.js 24 and the npm dependencies.
      installCommands: ['bash tools/setup.sh'],
      testCommands: [
        'npx projen examples:build',
        "RAMPART_ENGINES=dynamodb-local,redis,s3rver npx jest 'test/examples/images'",
      ],
      synthCommands: ['cd examples/images && npx cdk synth'],
      cdkOutputDirectory: 'examples/images/cdk.out',
      // The Dockerfile copies bundles, not sources: the image build makes them first.
      imageBuild: {
        directory: IMAGES_FRONTEND_CONTEXT,
        buildCommands: ['bash tools/setup.sh', 'npx projen examples:build'],
      },
      approverEmails: props.approverEmails,
    });
    // A failed execution alarms here; each environment's stage has its own monitoring.
    new ServiceMonitoring(this, 'Monitoring');
  }
}

/**
 * The pipeline's stage factory: one `ImagesStage` per delivery environment, in that environment's
 * account and region, sized by the environment's name (`IMAGES_SIZING.DEV`, `.UAT`, `.PROD`: DEV's
 * gallery runs in working hours only), with the gallery's image the pipeline built from the same
 * commit and the environment's settings (each optional, under the keys below in its `config`).
 */
export class ImagesStageFactory implements IDeliveryStageFactory {
  /** The ACM certificate ARN of the gallery's load balancer: without it the environment has no front end. */
  public static readonly FRONTEND_CERTIFICATE_ARN = 'frontendCertificateArn';
  /** The name people open the gallery at (required with the certificate): only its pages may post uploads. */
  public static readonly FRONTEND_DOMAIN_NAME = 'frontendDomainName';
  /** The region the buckets replicate to. */
  public static readonly RECOVERY_REGION = 'recoveryRegion';

  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): ImagesStage {
    const text = (key: string): string | undefined => (environment.config[key] === undefined ? undefined : environment.stringValue(key));
    return new ImagesStage(scope, id, {
      env: environment.env,
      sizing: imagesSizingFor(environment.name),
      recoveryRegion: text(ImagesStageFactory.RECOVERY_REGION),
      frontendCertificateArn: text(ImagesStageFactory.FRONTEND_CERTIFICATE_ARN),
      frontendDomainName: text(ImagesStageFactory.FRONTEND_DOMAIN_NAME),
      frontendImageRepository: environment.imageRepositoryArn === undefined || environment.imageRepositoryName === undefined
        ? undefined : { arn: environment.imageRepositoryArn, name: environment.imageRepositoryName },
      frontendImageTag: environment.imageTag,
    });
  }
}
