import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { CONNECTION_ARN, pipelineStack, threeEnvironmentProps } from './fixtures';
import { DeliveryPipeline, DeliverySource } from '../../src/pipeline';

describe('DeliverySource', () => {
  test('a connection source builds a CodeConnections source of the branch, triggered on push', () => {
    const source = DeliverySource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/camera-counter' });
    expect(source.validate()).toEqual([]);
    expect(source.bucketArn).toBeUndefined();
    expect(source.description).toBe('connection shop/camera-counter');
    expect(source.forBranch('main').id).toBe('shop/camera-counter');
  });

  test('a connection source names its bad options', () => {
    const source = DeliverySource.connection({ connectionArn: 'not-an-arn', repository: 'no-slash' });
    expect(source.validate()).toEqual([
      expect.stringMatching(/^source\.connectionArn: 'not-an-arn' is not a connection ARN/),
      expect.stringMatching(/^source\.repository: 'no-slash' is not a repository; allowed: 'owner\/name'/),
    ]);
  });

  test('an S3 source exposes its bucket and refuses a key prefix with a leading slash or spaces', () => {
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    const source = DeliverySource.s3({ bucket, keyPrefix: 'sources/' });
    expect(source.validate()).toEqual([]);
    expect(source.bucketArn).toBe(bucket.bucketArn);
    expect(DeliverySource.s3({ bucket, keyPrefix: '/sources/' }).validate()).toEqual([expect.stringMatching(/^source\.keyPrefix: '\/sources\/' must not start with '\/'/)]);
    expect(DeliverySource.s3({ bucket, keyPrefix: 'my sources/' }).validate()).toHaveLength(1);
    expect(DeliverySource.s3({ bucket: new s3.Bucket(stack, 'Plain') }).validate()).toEqual([expect.stringMatching(/^source\.bucket: 'Default\/Plain' is not versioned; allowed: a bucket with versioned: true/)]);
    expect(DeliverySource.s3({ bucket: s3.Bucket.fromBucketName(stack, 'Imported', 'sources') }).validate()).toEqual([]);
  });
});

/** A source of a user's own: one zip per branch under `<branch>/source.zip`, branch names checked. */
class BranchFolderSource extends DeliverySource {
  public readonly description = 'branch folders';
  public readonly bucketArn: string;
  constructor(private readonly bucket: s3.IBucket) {
    super();
    this.bucketArn = bucket.bucketArn;
  }
  public validate(): string[] {
    return [];
  }
  public forBranch(branch: string): pipelines.CodePipelineSource {
    return pipelines.CodePipelineSource.s3(this.bucket, `${branch}/source.zip`);
  }
}

describe('a DeliverySource of your own', () => {
  test('drives every environment\'s pipeline from its forBranch', () => {
    const stack = pipelineStack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ source: new BranchFolderSource(bucket) }));
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'))
      .map((p: any) => p.Properties.Stages[0].Actions[0].Configuration.S3ObjectKey).sort();
    expect(keys).toEqual(['dev/source.zip', 'main/source.zip', 'uat/source.zip']);
  });

  test('its validate() problems stop the synth, named as given', () => {
    class Refusing extends BranchFolderSource {
      public validate(): string[] {
        return ["source.layout: 'flat' is not allowed; allowed: 'folders'"];
      }
    }
    const stack = pipelineStack(new App(), 'Refused');
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    expect(() => new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ source: new Refusing(bucket) }))).toThrow(/source\.layout: 'flat' is not allowed/);
  });
});
