import { Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { pipelineStack } from './fixtures';
import { TopicApprovalStep } from '../../src/pipeline/private/approval-step';

describe('TopicApprovalStep', () => {
  test('adds one manual approval that notifies the topic with the comment, at the run order given', () => {
    const stack = pipelineStack();
    const topic = new sns.Topic(stack, 'Approvers');
    const pipeline = new codepipeline.Pipeline(stack, 'Pipeline');
    const output = new codepipeline.Artifact();
    pipeline.addStage({ stageName: 'Source', actions: [new cpactions.S3SourceAction({ actionName: 'Source', bucket: new s3.Bucket(stack, 'Src'), bucketKey: 'a.zip', output })] });
    const stage = pipeline.addStage({ stageName: 'Approve' });
    const step = new TopicApprovalStep('ApprovePROD', { topic, comment: 'Deploy main to PROD?' });
    expect(step.id).toBe('ApprovePROD');
    const result = step.produceAction(stage, { actionName: 'ApprovePROD', runOrder: 3 } as pipelines.ProduceActionOptions);
    expect(result).toEqual({ runOrdersConsumed: 1 });
    const template = Template.fromStack(stack);
    const stages = (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties.Stages;
    expect(stages[1].Actions).toEqual([expect.objectContaining({
      Name: 'ApprovePROD',
      RunOrder: 3,
      ActionTypeId: expect.objectContaining({ Category: 'Approval', Provider: 'Manual' }),
      Configuration: { NotificationArn: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }, CustomData: 'Deploy main to PROD?' },
    })]);
  });
});
