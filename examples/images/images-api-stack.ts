import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { IMAGES_ENV } from './domain/settings';
import type { ImagesAssetsStack } from './images-assets-stack';
import type { ImagesDataStack } from './images-data-stack';
import { IMAGES_PRIVATE_SUBNETS, type ImagesNetworkStack } from './images-network-stack';
import type { ImagesSizing } from './images-sizing';
import { IMAGES_SYSTEM } from './system';
import { TracedApi, TracedFunction } from '../../src/api';
import { Compliance } from '../../src/compliance';
import type { ReplicatedBucket } from '../../src/dr';
import { handlerCode, REPO_ROOT, tracedApiRoutes, type ExampleRoute } from '../shared/stack';

const { example: EXAMPLE, routes: ROUTES, buckets: BUCKETS } = IMAGES_SYSTEM;
/** The functions' service name: the Powertools service and the namespace of the metrics they emit. */
export const IMAGES_SERVICE = 'images';
/** The consumer whose API key the gallery (the front end) calls the API with. */
export const GALLERY_CONSUMER = 'gallery';

export interface ImagesApiStackProps extends StackProps {
  readonly network: ImagesNetworkStack;
  readonly data: ImagesDataStack;
  readonly assets: ImagesAssetsStack;
  /** The API's throttle and the worker's concurrency. */
  readonly sizing: Pick<ImagesSizing, 'api' | 'worker'>;
}

/** A layer built by `npx projen examples:build` (never at synth). */
function layerCode(directory: string): lambda.Code {
  const dir = path.join(REPO_ROOT, directory);
  if (!fs.existsSync(path.join(dir, 'nodejs', 'node_modules'))) {
    throw new Error(`${directory}/nodejs/node_modules is missing: run 'npx projen examples:build' (from the repository root) to build the ${EXAMPLE} layers`);
  }
  return lambda.Code.fromAsset(dir);
}

/**
 * The images API, PRIVATE (reached only through the VPC's execute-api endpoint, its resource
 * policy allowing that endpoint only), every route behind an API key (the gallery's own, in a
 * usage plan); its functions in the VPC's isolated subnets, the two that decode or compose images
 * with the sharp layer (arm64); and the compose worker fed by the FIFO compositions queue.
 * Each function may touch only what its handler uses.
 */
export class ImagesApiStack extends Stack {
  public readonly api: TracedApi;
  /** The compose worker. */
  public readonly worker: TracedFunction;
  /** sharp and libvips for linux-arm64. */
  public readonly sharpLayer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: ImagesApiStackProps) {
    super(scope, id, props);
    const { data, assets } = props;
    const vpc = props.network.network.vpc;
    const layer = IMAGES_SYSTEM.layers.sharp;
    this.sharpLayer = new lambda.LayerVersion(this, 'Sharp', {
      code: layerCode(layer.directory),
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
      description: layer.description,
    });

    const env = {
      table: { [IMAGES_ENV.IMAGES_TABLE]: data.images.tableName },
      originals: { [BUCKETS.originals.envName]: assets.originals.bucket.bucketName },
      results: { [BUCKETS.results.envName]: assets.results.bucket.bucketName },
      queue: { [IMAGES_ENV.COMPOSITIONS_QUEUE_URL]: data.compositions.queueUrl },
      assets: { [IMAGES_ENV.ASSETS_BASE_URL]: assets.site.url },
      cache: data.cache.clientEnvironment(),
    };
    const routeEnv = new Map<ExampleRoute, Record<string, string>>([
      [ROUTES.upload, { ...env.table, ...env.originals }],
      [ROUTES.completeUpload, { ...env.table, ...env.originals, ...env.assets }],
      [ROUTES.listImages, { ...env.table, ...env.assets }],
      [ROUTES.compose, { ...env.table, ...env.queue, ...env.cache, ...env.assets }],
      [ROUTES.compositionStatus, { ...env.cache, ...env.assets }],
    ]);

    this.api = new TracedApi(this, 'Api', {
      serviceName: IMAGES_SERVICE,
      stageName: IMAGES_SYSTEM.stageName,
      endpointType: apigateway.EndpointType.PRIVATE,
      vpcEndpoint: props.network.apiEndpoint,
      vpc,
      vpcSubnets: IMAGES_PRIVATE_SUBNETS,
      throttle: props.sizing.api,
      usagePlan: { consumers: [{ name: GALLERY_CONSUMER }] },
      routes: tracedApiRoutes(EXAMPLE, IMAGES_SYSTEM.routeList.map((r) => ({
        ...r,
        functionOptions: { ...r.functionOptions, environment: routeEnv.get(r) },
      }))),
    });
    const fn = (route: ExampleRoute) => this.api.tracedFunctions[TracedApi.routeKey(route.method, route.path)];
    for (const route of IMAGES_SYSTEM.routeList) {
      if ((IMAGES_SYSTEM.sharpFunctions as readonly string[]).includes(route.handlerName)) fn(route).function.addLayers(this.sharpLayer);
    }

    // Uploads: the route presigns POSTs for originals/ (signed with its role, so the role may put
    // objects there and encrypt them); completing reads, or deletes every version of, a refused upload.
    data.images.grantWriteItems(fn(ROUTES.upload));
    this.grantObjects(fn(ROUTES.upload), assets.originals, ['s3:PutObject'], ['kms:GenerateDataKey']);
    data.images.grantReadWriteItems(fn(ROUTES.completeUpload));
    this.grantObjects(fn(ROUTES.completeUpload), assets.originals, ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], ['kms:Decrypt']);
    this.grantListVersions(fn(ROUTES.completeUpload), assets.originals);
    data.images.grantReadItems(fn(ROUTES.listImages));
    data.images.grantReadItems(fn(ROUTES.compose));
    data.compositions.grantSendMessages(fn(ROUTES.compose));
    for (const route of [ROUTES.compose, ROUTES.compositionStatus]) this.connectToCache(fn(route), data);

    const spec = IMAGES_SYSTEM.workers.compose;
    this.worker = new TracedFunction(this, 'Compose', {
      code: handlerCode(EXAMPLE, spec.handlerName),
      handler: 'index.handler',
      serviceName: IMAGES_SERVICE,
      description: 'Composes a hat onto a cat (sharp), writes results/<key>.png, records composition:<key>',
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      vpc,
      vpcSubnets: IMAGES_PRIVATE_SUBNETS,
      environment: { ...env.originals, ...env.results, ...env.cache, ...env.assets },
      synchronousInvocationReason: 'Invoked by the compositions queue\'s event source mapping, never asynchronously: a job not done returns to the queue, and after '
        + `${data.compositions.maxReceiveCount} receives goes to its dead-letter queue.`,
      concurrencyReason: `The queue's event source runs at most ${props.sizing.worker.maxConcurrency} batches at once (maxConcurrency).`,
    });
    for (const name of spec.layers) {
      if (name === 'sharp') this.worker.function.addLayers(this.sharpLayer);
    }
    // Originals are read by the version the upload was validated at (GetObjectVersion).
    this.grantObjects(this.worker, assets.originals, ['s3:GetObject', 's3:GetObjectVersion'], ['kms:Decrypt']);
    this.grantObjects(this.worker, assets.results, ['s3:PutObject'], ['kms:GenerateDataKey']);
    this.connectToCache(this.worker, data);
    data.compositions.addConsumer(this.worker.function, { batchSize: spec.batchSize, maxConcurrency: props.sizing.worker.maxConcurrency });

    // The Control Tower rule reads VpcConfig's subnets as strings or references to subnets of this
    // template; here they are the network stack's, imported (Fn::ImportValue), which it cannot follow.
    for (const f of [...Object.values(this.api.tracedFunctions), this.worker]) {
      Compliance.acknowledge(f.function, 'lambda_inside_vpc_check',
        'The function is in the VPC: its VpcConfig names the isolated subnets of the images network stack (imported from that stack, which the rule cannot resolve) and a security group of its own.');
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The images API (private: through the VPC endpoint only)' });
  }

  /**
   * Object actions under the bucket's prefix only, with the one KMS action they need on its key.
   * The objects' keys are known only at run time (an image id, a composition key).
   */
  private grantObjects(grantee: TracedFunction, bucket: ReplicatedBucket, actions: string[], keyActions: string[]): void {
    const spec = bucket.node.id === 'Originals' ? BUCKETS.originals : BUCKETS.results;
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [bucket.bucket.arnForObjects(`${spec.prefix}/*`)] }));
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions: keyActions, resources: [bucket.encryptionKey.keyArn] }));
    const producer = Stack.of(bucket);
    const bucketArn = producer.resolve(producer.exportValue(bucket.bucket.bucketArn))['Fn::ImportValue'];
    Compliance.acknowledge(grantee.grantsPolicy!, `AwsSolutions-IAM5[Resource::${bucketArn}/${spec.prefix}/*]`,
      `The ${spec.prefix} objects' keys (an image id, a composition key) are known only at run time: the function may ${actions.join(', ')} under ${spec.prefix}/ of that bucket only.`);
  }

  /**
   * What `RedisCache.grantConnect` gives, granted from this side: the ingress rule is made from the
   * function's connections (so CDK puts it in this stack) and reading the AUTH token is in the
   * function's policy only. From the cache's side, the rule and the token key's policy would sit in
   * the data stack and name this stack's security groups and roles, which already depend on it.
   */
  private connectToCache(grantee: TracedFunction, data: ImagesDataStack): void {
    grantee.connections.allowTo(data.cache, ec2.Port.tcp(data.cache.port), 'Redis: composition:<key> and lock:<key>');
    grantee.addToRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [data.cache.authToken.secretArn],
    }));
    grantee.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [data.cache.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
    }));
  }

  /** Listing the versions of the originals under `originals/` (to delete every version of a refused upload). */
  private grantListVersions(grantee: TracedFunction, bucket: ReplicatedBucket): void {
    grantee.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucketVersions'],
      resources: [bucket.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${BUCKETS.originals.prefix}/*`] } },
    }));
  }
}
