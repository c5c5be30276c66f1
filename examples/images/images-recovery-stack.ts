import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CacheSnapshotExport, RecoveryBucket } from '../../src/dr';

/**
 * The recovery region's copies of the originals and results buckets, and of the cache's exports. The primary stack names them
 * by strings (`RecoveryBucket.replicationDestination`: a bucket name built from this stack's
 * account and region, the key by a fixed alias ARN), so it holds no reference to a resource of this
 * region and this stack deploys and updates on its own while the primary region is down.
 */
export class ImagesRecoveryStack extends Stack {
  /** The replica of the originals. */
  public readonly originals: RecoveryBucket;
  /** The replica of the results. */
  public readonly results: RecoveryBucket;
  /** The replicas of the cache's `.rdb` exports, which ElastiCache of this region may seed a new cluster from. */
  public readonly cacheExports: RecoveryBucket;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.originals = new RecoveryBucket(this, 'Originals');
    this.results = new RecoveryBucket(this, 'Results');
    this.cacheExports = new RecoveryBucket(this, 'CacheExports');
    CacheSnapshotExport.allowSeedingFrom(this.cacheExports);
  }
}
