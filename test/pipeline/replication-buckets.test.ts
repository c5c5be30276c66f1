import { App, Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { pipelineStack, PIPELINE_ACCOUNT, REGION, threeEnvironmentProps } from './fixtures';
import { DeliveryEnvironment, DeliveryPipeline, IDeliveryStageFactory } from '../../src/pipeline';
import { expectCompliant } from '../support/compliance';

const RECOVERY = 'eu-central-1';

/** A stage with one stack in the environment's region and one in a recovery region. */
class RecoverableStage extends Stage {
  constructor(scope: Construct, id: string, props: StageProps) {
    super(scope, id, props);
    new ssm.StringParameter(new Stack(this, 'Shop'), 'Name', { stringValue: 'shop' });
    new ssm.StringParameter(new Stack(this, 'Recovery', { env: { account: this.account, region: RECOVERY } }), 'Name', { stringValue: 'recovery' });
  }
}

class RecoverableStageFactory implements IDeliveryStageFactory {
  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): Stage {
    return new RecoverableStage(scope, id, { env: environment.env });
  }
}

function crossRegionDelivery(app = new App()) {
  const stack = pipelineStack(app);
  const delivery = new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ stageFactory: new RecoverableStageFactory() }));
  return { app, stack, delivery };
}

describe('artifact buckets of other regions', () => {
  test('one support stack of ours per region, shared by the three pipelines; none of CodePipeline\'s', () => {
    const { app, delivery } = crossRegionDelivery();
    const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c) && Stage.of(c) === app);
    expect(stacks.map((s) => s.stackName).sort()).toEqual(['Delivery', `Delivery-Pipeline-${RECOVERY}`]);
    expect(Object.keys(delivery.replicationBuckets)).toEqual([RECOVERY]);
    const support = Stack.of(delivery.replicationBuckets[RECOVERY]);
    expect([support.account, support.region]).toEqual([PIPELINE_ACCOUNT, RECOVERY]);
  });

  test('the bucket is made like the primary one: KMS key with rotation behind an alias, versioned, access-logged', () => {
    const { delivery } = crossRegionDelivery();
    const template = Template.fromStack(Stack.of(delivery.replicationBuckets[RECOVERY]));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/Delivery-Pipeline-${RECOVERY}/artifacts` });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.stringLikeRegexp('.+'),
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    });
  });

  test('each pipeline has an artifact store per region; its role reaches the other region\'s key only through the alias', () => {
    const { stack } = crossRegionDelivery();
    const template = Template.fromStack(stack);
    const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
    expect(pipelines).toHaveLength(3);
    for (const p of pipelines) expect(p.Properties.ArtifactStores.map((s: any) => s.Region).sort()).toEqual([RECOVERY, REGION]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('kms:Decrypt') && JSON.stringify(s.Resource).includes(RECOVERY));
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const s of statements) {
      expect(s.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/Delivery-Pipeline-${RECOVERY}/artifacts` } });
    }
    // No KMS grant on every key of the account.
    const anyKey = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Resource === '*' && JSON.stringify(s.Action).includes('kms:'));
    expect(anyKey).toEqual([]);
  });

  test('a stage in the pipeline\'s region only keeps the single artifact store', () => {
    const stack = pipelineStack();
    const delivery = new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps());
    expect(delivery.replicationBuckets).toEqual({});
    const pipelines = Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline')) as any[];
    for (const p of pipelines) expect(p.Properties.ArtifactStore.Type).toBe('S3');
  });

  test('the pipeline stack, the support stack and the stages have zero unacknowledged findings', () => {
    const { app } = crossRegionDelivery();
    const report = expectCompliant(app);
    expect(report.summary().map((s) => s.stack)).toContain(`Delivery-Pipeline-${RECOVERY}`);
  });
});
