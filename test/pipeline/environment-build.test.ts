import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CONNECTION_ARN, pipelineStack, ShopStageFactory } from './fixtures';
import { DeliveryConfigValue, DeliveryEnvironment, DeliverySource } from '../../src/pipeline';
import { COMPLIANCE_GATE_VARIABLE } from '../../src/pipeline/private/compliance-gate';
import { environmentDelivery } from '../../src/pipeline/private/environment-build';
import { ReplicationBuckets } from '../../src/pipeline/private/replication-buckets';

function build(environment: DeliveryEnvironment) {
  const stack = pipelineStack();
  const approvalTopic = new sns.Topic(stack, 'Approvers');
  const delivery = environmentDelivery(stack, environment, false, {
    source: DeliverySource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/camera-counter' }),
    stageFactory: new ShopStageFactory(),
    installCommands: ['npm ci'],
    testCommands: ['npm test'],
    synthCommands: ['npx cdk synth'],
    compliancePacks: ['AwsSolutions', 'HIPAA.Security'],
    cdkOutputDirectory: 'cdk.out',
    codeBuildDefaults: {},
    artifactBucket: new s3.Bucket(stack, 'Artifacts', { encryption: s3.BucketEncryption.KMS, encryptionKey: new kms.Key(stack, 'Key') }),
    replicationBuckets: new ReplicationBuckets(stack),
    approvalTopic,
    notificationTopic: new sns.Topic(stack, 'Notifications'),
  });
  return { stack, approvalTopic, delivery, template: Template.fromStack(stack) };
}

const config = { initialCount: DeliveryConfigValue.fromNumber(1) };

describe('environmentDelivery', () => {
  test('an approved environment: its branch, the gate variable, the approval on the topic, then the stage', () => {
    const environment = new DeliveryEnvironment({ name: 'PROD', branch: 'main', account: '444444444444', region: 'eu-west-1', requiresApproval: true, config });
    const { stack, approvalTopic, delivery, template } = build(environment);
    expect(delivery.stage.account).toBe('444444444444');
    const stages = (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties.Stages;
    expect(stages[0].Actions[0].Configuration.BranchName).toBe('main');
    const prod = stages.find((s: any) => s.Name === 'PROD');
    const approval = prod.Actions.find((a: any) => a.ActionTypeId.Category === 'Approval');
    expect(approval.Configuration).toEqual({
      NotificationArn: { Ref: stack.getLogicalId(approvalTopic.node.defaultChild as sns.CfnTopic) },
      CustomData: 'Deploy main to PROD (444444444444/eu-west-1)?',
    });
    const synth = JSON.stringify(template.findResources('AWS::CodeBuild::Project'));
    expect(synth).toContain(COMPLIANCE_GATE_VARIABLE);
    expect(synth).toContain('AwsSolutions,HIPAA.Security');
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', { EventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'] });
  });

  test('a waived environment has no approval and records the waiver as an output', () => {
    const environment = new DeliveryEnvironment({
      name: 'PROD', branch: 'main', account: '444444444444', region: 'eu-west-1', requiresApproval: false, approvalWaiverReason: 'Sandbox', config,
    });
    const { template } = build(environment);
    const stages = (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties.Stages;
    expect(stages.flatMap((s: any) => s.Actions).filter((a: any) => a.ActionTypeId.Category === 'Approval')).toEqual([]);
    template.hasOutput('PRODApprovalWaiver', { Value: 'Sandbox' });
  });
});
