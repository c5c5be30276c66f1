import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONNECTION_ARN } from './fixtures';
import { DeliverySource } from '../../src/pipeline';

describe('DeliverySource', () => {
  test('a connection source builds a CodeConnections source of the branch, triggered on push', () => {
    const source = DeliverySource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/camera-counter' });
    expect(source._problems()).toEqual([]);
    expect(source._bucketArn).toBeUndefined();
    expect(source.description).toBe('connection shop/camera-counter');
    expect(source._forBranch('main').id).toBe('shop/camera-counter');
  });

  test('a connection source names its bad options', () => {
    const source = DeliverySource.connection({ connectionArn: 'not-an-arn', repository: 'no-slash' });
    expect(source._problems()).toEqual([
      expect.stringMatching(/^source\.connectionArn: 'not-an-arn' is not a connection ARN/),
      expect.stringMatching(/^source\.repository: 'no-slash' is not a repository; allowed: 'owner\/name'/),
    ]);
  });

  test('an S3 source exposes its bucket and refuses a key prefix with a leading slash or spaces', () => {
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    const source = DeliverySource.s3({ bucket, keyPrefix: 'sources/' });
    expect(source._problems()).toEqual([]);
    expect(source._bucketArn).toBe(bucket.bucketArn);
    expect(DeliverySource.s3({ bucket, keyPrefix: '/sources/' })._problems()).toEqual([expect.stringMatching(/^source\.keyPrefix: '\/sources\/' must not start with '\/'/)]);
    expect(DeliverySource.s3({ bucket, keyPrefix: 'my sources/' })._problems()).toHaveLength(1);
  });
});
