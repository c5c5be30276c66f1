import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ImagesSizing } from './images-sizing';
import { IMAGES_SYSTEM } from './system';
import { ContainerService, ServiceExposure } from '../../src/compute';
import { REPO_ROOT } from '../shared/stack';

export interface ImagesFrontendStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
  /** The private API's URL (reached through the VPC's execute-api endpoint, private DNS on). */
  readonly apiUrl: string;
  /** The gallery's API key (the secret's value is the key). */
  readonly apiKey: secretsmanager.ISecret;
  /** The key encrypting `apiKey`. */
  readonly apiKeyEncryptionKey: kms.IKey;
  /** The assets origin (CloudFront) the pages load pictures from. */
  readonly assetsBaseUrl: string;
  /** Where browsers post uploads (the originals bucket's regional endpoint). */
  readonly uploadOrigin: string;
  /** The ACM certificate of the load balancer's HTTPS listener (for the gallery's name). */
  readonly certificateArn: string;
  /** The tasks. */
  readonly sizing: ImagesSizing['frontend'];
  /**
   * The ECR repository (ARN and name) holding the gallery's image, as the delivery pipeline builds
   * it from frontend/Dockerfile; used with `imageTag`.
   *
   * @default - the image is built from build/examples/images/frontend/ when the stack is deployed (a Docker asset)
   */
  readonly imageRepository?: { readonly arn: string; readonly name: string };
  /**
   * The tag of the image in `imageRepository`.
   *
   * @default 'latest'
   */
  readonly imageTag?: string;
}

/** The gallery's container build context, written by `npx projen examples:build`. */
export function galleryBuildContext(): string {
  const dir = path.join(REPO_ROOT, 'build', 'examples', IMAGES_SYSTEM.example, 'frontend');
  if (!fs.existsSync(path.join(dir, 'Dockerfile'))) {
    throw new Error(`${path.relative(REPO_ROOT, dir)}/Dockerfile is missing: run 'npx projen examples:build' (from the repository root) to build the ${IMAGES_SYSTEM.example} front end`);
  }
  return dir;
}

/**
 * The gallery (frontend/) on Fargate behind an internet-facing HTTPS load balancer with its
 * regional WAF: the tasks in the isolated subnets call the private API through the VPC endpoint
 * with the gallery's own API key (read by ECS from Secrets Manager at start, never in the
 * template), `/health` answering only while the API does.
 */
export class ImagesFrontendStack extends Stack {
  public readonly service: ContainerService;

  constructor(scope: Construct, id: string, props: ImagesFrontendStackProps) {
    super(scope, id, props);
    const sizing = props.sizing;
    // The secret by its ARN, its key granted here: the secret's own grant would write this stack's
    // execution role into the key policy of the API stack, which this stack already depends on.
    const apiKey = secretsmanager.Secret.fromSecretAttributes(this, 'ApiKey', { secretCompleteArn: props.apiKey.secretArn });
    this.service = new ContainerService(this, 'Gallery', {
      vpc: props.vpc,
      image: props.imageRepository === undefined
        ? ecs.ContainerImage.fromAsset(galleryBuildContext())
        : ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryAttributes(this, 'Image', {
          repositoryArn: props.imageRepository.arn, repositoryName: props.imageRepository.name,
        }), props.imageTag ?? 'latest'),
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      exposure: ServiceExposure.INTERNET_FACING,
      healthCheckPath: '/health',
      // The image has no curl or wget.
      healthCheckCommand: ['CMD', 'node', '/app/health-check.js'],
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryLimitMiB,
      minCapacity: sizing.minCapacity,
      maxCapacity: sizing.maxCapacity,
      schedule: sizing.schedule,
      environment: {
        API_URL: props.apiUrl,
        ASSETS_BASE_URL: props.assetsBaseUrl,
        UPLOAD_ORIGIN: props.uploadOrigin,
      },
      secrets: { API_KEY: ecs.Secret.fromSecretsManager(apiKey) },
    });
    this.service.taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [props.apiKeyEncryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
    }));

    new CfnOutput(this, 'GalleryLoadBalancer', { value: this.service.loadBalancerDnsName, description: 'Point the gallery\'s name (the certificate\'s) at this load balancer' });
  }
}
