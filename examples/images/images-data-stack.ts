import { Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ImagesRecoveryStack } from './images-recovery-stack';
import type { ImagesSizing } from './images-sizing';
import { IMAGES_SYSTEM } from './system';
import { RedisCache } from '../../src/cache';
import { Compliance } from '../../src/compliance';
import { DataTable } from '../../src/data';
import { CacheSnapshotExport } from '../../src/dr';
import { WorkQueue } from '../../src/messaging';

export interface ImagesDataStackProps extends StackProps {
  /** The VPC the cache is in. */
  readonly vpc: ec2.IVpc;
  /** The subnets of the cache. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The cache's nodes. */
  readonly cache: ImagesSizing['cache'];
  /** The recovery region's stack: the cache's exports replicate to its `cacheExports`. */
  readonly recovery: ImagesRecoveryStack;
}

/**
 * The images table, the FIFO compositions queue, the Redis cache of compositions and locks, and the
 * cache's exports every 6 hours to the recovery region (docs/dr.md).
 */
export class ImagesDataStack extends Stack {
  /** One item per image; `byKind` lists a kind's images newest first. */
  public readonly images: DataTable;
  /** The compositions the worker composes, one key at a time (FIFO, deduplicated by key). */
  public readonly compositions: WorkQueue;
  /** `composition:<key>` and `lock:<key>`. */
  public readonly cache: RedisCache;
  /** The cache's snapshots, exported every 6 hours and replicated to the recovery region. */
  public readonly cacheBackup: CacheSnapshotExport;

  constructor(scope: Construct, id: string, props: ImagesDataStackProps) {
    super(scope, id, props);
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = IMAGES_SYSTEM.tables.images;
    this.images = new DataTable(this, 'Images', {
      partitionKey: key(table.partitionKey),
      globalSecondaryIndexes: table.globalSecondaryIndexes.map((i) => ({
        indexName: i.indexName, partitionKey: key(i.partitionKey), sortKey: key(i.sortKey),
      })),
    });
    const queue = IMAGES_SYSTEM.queues.compositions;
    this.compositions = new WorkQueue(this, 'Compositions', {
      fifo: queue.fifo,
      contentBasedDeduplication: queue.contentBasedDeduplication,
      maxReceiveCount: queue.maxReceiveCount,
    });
    this.cache = new RedisCache(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      cacheNodeType: props.cache.cacheNodeType,
      replicas: props.cache.replicas,
      automaticFailover: props.cache.automaticFailover,
      description: 'Images: compositions ready or queued, and the worker locks',
    });
    this.cacheBackup = new CacheSnapshotExport(this, 'CacheBackup', { cache: this.cache, recoveryBucket: props.recovery.cacheExports });
    if (props.cache.replicas === 0) {
      Compliance.acknowledge(this.cache.replicationGroup, 'AwsSolutions-AEC4',
        'Sized without replicas (a lower environment): one node, not Multi-AZ. The cache holds only lookups and locks: a lost node costs compositions done again (results stay in their bucket), never data.');
    }
  }
}
