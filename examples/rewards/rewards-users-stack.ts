import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { REWARDS_ENV } from './domain/settings';
import { MIGRATIONS_DIR } from './users-domain/users-domain';
import { ContainerService, ServiceExposure } from '../../src/compute';
import { RelationalDatabase } from '../../src/data';
import { SecureVpc } from '../../src/network';

export interface RewardsUsersStackProps extends StackProps {
  /** The transactions stream the service reads. */
  readonly transactionsStream: kinesis.IStream;
  /** The users stream the service reads. */
  readonly usersStream: kinesis.IStream;
  /** The ACM certificate of the internal load balancer's HTTPS listener (for the name its clients call). */
  readonly certificateArn: string;
  /**
   * The ECR repository holding the users service's image, built by the delivery pipeline from
   * users-domain/Dockerfile (its ARN and name); used with `imageTag`.
   *
   * @default - the image is built from users-domain/ when the stack is deployed (a Docker asset)
   */
  readonly imageRepository?: { readonly arn: string; readonly name: string };
  /**
   * The tag of the image in `imageRepository` (the pipeline tags each image with its commit).
   *
   * @default 'latest'
   */
  readonly imageTag?: string;
}

/**
 * The users domain as a long-running service: a VPC without NAT (interface endpoints for what the
 * tasks call), the PostgreSQL database (Aurora Serverless v2 behind RDS Proxy, schema by the
 * users domain's migrations on every deployment) and the container (users-domain/Dockerfile) that
 * reads both streams into it and answers the four questions behind an internal load balancer.
 */
export class RewardsUsersStack extends Stack {
  public readonly network: SecureVpc;
  public readonly database: RelationalDatabase;
  public readonly service: ContainerService;

  constructor(scope: Construct, id: string, props: RewardsUsersStackProps) {
    super(scope, id, props);
    this.network = new SecureVpc(this, 'Network', {
      // Start (ECR, logs) and the streams; the database is in the VPC, its IAM tokens are signed in the task.
      interfaceEndpoints: [...SecureVpc.CONTAINER_ENDPOINTS, ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
    });
    this.database = new RelationalDatabase(this, 'Database', {
      vpc: this.network.vpc,
      databaseName: 'users',
      migrationsPath: MIGRATIONS_DIR,
    });
    this.service = new ContainerService(this, 'Service', {
      vpc: this.network.vpc,
      image: props.imageRepository === undefined
        ? ecs.ContainerImage.fromAsset(path.join(__dirname, 'users-domain'))
        : ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryAttributes(this, 'Image', {
          repositoryArn: props.imageRepository.arn, repositoryName: props.imageRepository.name,
        }), props.imageTag ?? 'latest'),
      healthCheckPath: '/health',
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      exposure: ServiceExposure.INTERNAL,
      // Every task reads every shard (applying is idempotent); two tasks stay within Kinesis's
      // five reads per second per shard at one poll a second each.
      minCapacity: 2,
      maxCapacity: 2,
    });
    this.database.grantConnect(this.service);
    props.usersStream.grantRead(this.service);
    props.transactionsStream.grantRead(this.service);
    const env: Record<string, string> = {
      PGHOST: this.database.proxyEndpoint!,
      PGPORT: String(this.database.proxyPort),
      PGUSER: this.database.masterUsername,
      PGDATABASE: this.database.databaseName,
      PGSSL: 'require',
      PGAUTH: 'iam',
      [REWARDS_ENV.USERS_STREAM]: props.usersStream.streamName,
      [REWARDS_ENV.TRANSACTIONS_STREAM]: props.transactionsStream.streamName,
    };
    for (const [name, value] of Object.entries(env)) this.service.addEnvironment(name, value);
  }
}
