import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';

/** A manual approval that notifies the approvers' topic (CDK Pipelines' ManualApprovalStep has no topic). */
export class TopicApprovalStep extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  constructor(id: string, private readonly options: { topic: sns.ITopic; comment: string }) {
    super(id);
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    stage.addAction(new cpactions.ManualApprovalAction({
      actionName: options.actionName,
      runOrder: options.runOrder,
      notificationTopic: this.options.topic,
      additionalInformation: this.options.comment,
    }));
    return { runOrdersConsumed: 1 };
  }
}
