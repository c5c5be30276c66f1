import * as path from 'path';
import { App, Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { pipelineStack, threeEnvironmentProps } from './fixtures';
import { DeliveryEnvironment, DeliveryPipeline, IDeliveryStageFactory } from '../../src/pipeline';
import { acknowledgePipelineResources } from '../../src/pipeline/private/acknowledgements';
import { complianceReport, expectCompliant } from '../support/compliance';

/** A stage whose stack has a file asset, so CDK Pipelines adds an asset-publishing step and its role. */
class WebStage extends Stage {
  constructor(scope: Construct, id: string, props: StageProps) {
    super(scope, id, props);
    const stack = new Stack(this, 'Web');
    const pages = new s3assets.Asset(stack, 'Pages', { path: path.join(__dirname, '..', 'site', 'fixtures', 'web') });
    new ssm.StringParameter(stack, 'PagesUrl', { stringValue: pages.s3ObjectUrl });
  }
}

const webStages: IDeliveryStageFactory = {
  createStage: (scope: Construct, id: string, environment: DeliveryEnvironment) => new WebStage(scope, id, { env: environment.env }),
};

const ASSET_FINDINGS = [
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:\/aws\/codebuild\/\*\]$/,
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:codebuild:eu-west-1:111111111111:report-group\/\*\]$/,
  /^AwsSolutions-IAM5\[Resource::\*\]$/,
];

describe('DeliveryPipeline acknowledgements', () => {
  test('an app with file assets: the asset-publishing role\'s CodeBuild wildcards are acknowledged on its policy, with reasons, and the pipeline is compliant', () => {
    const stack = pipelineStack();
    const delivery = new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ stageFactory: webStages }));
    for (const pipeline of delivery.pipelines) expect(pipeline.node.tryFindChild('Assets')).toBeDefined();

    const report = expectCompliant(stack);
    const onFileRole = report.acknowledgements.filter((a) => /\/Assets\/FileRole\/DefaultPolicy\//.test(a.constructPath));
    for (const env of ['DEV', 'UAT', 'PROD']) {
      const ids = onFileRole.filter((a) => a.constructPath.startsWith(`Delivery/Pipeline/${env}Delivery/`)).map((a) => a.ruleId);
      for (const finding of ASSET_FINDINGS) expect(ids.filter((id) => finding.test(id))).toHaveLength(1);
    }
    const assetAcks = onFileRole.filter((a) => ASSET_FINDINGS.some((f) => f.test(a.ruleId)));
    expect(assetAcks).toHaveLength(9);
    for (const a of assetAcks) expect(a.reason).toMatch(/^CDK Pipelines' asset-publishing role: /);
  });
});

describe('acknowledgePipelineResources', () => {
  /** A role policy holding the given statements, acknowledged as a pipeline's own resources are. */
  function policyWith(statements: iam.PolicyStatement[]): Stack {
    const stack = new Stack(new App(), 'Pipeline', { env: { account: '111111111111', region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    for (const s of statements) role.addToPrincipalPolicy(s);
    acknowledgePipelineResources(stack.node.findChild('Role'), { artifactBucketArn: '<Artifacts.Arn>' });
    return stack;
  }

  function iam5(stack: Stack): { findings: string[]; acknowledged: string[] } {
    const report = complianceReport(stack);
    const only = (ids: string[]) => ids.filter((id) => id.startsWith('AwsSolutions-IAM5'));
    return { findings: only(report.findings.map((f) => f.ruleId)), acknowledged: only(report.acknowledgements.map((a) => a.ruleId)) };
  }

  const BUILD_CONTROL = new iam.PolicyStatement({ actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', 'codebuild:StopBuild'], resources: ['*'] });

  test('a known wildcard is acknowledged; the same resource with another action stays a finding', () => {
    const stack = policyWith([
      BUILD_CONTROL,
      new iam.PolicyStatement({ actions: ['logs:DeleteLogGroup'], resources: ['arn:aws:logs:eu-west-1:111111111111:log-group:/aws/codebuild/*'] }),
    ]);
    const { findings, acknowledged } = iam5(stack);
    expect(acknowledged).toEqual(['AwsSolutions-IAM5[Resource::*]']);
    expect(findings).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:111111111111:log-group:/aws/codebuild/*]']);
  });

  test('a finding that an unknown statement shares with a known one stays a finding', () => {
    const stack = policyWith([
      BUILD_CONTROL,
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'] }),
    ]);
    const { findings, acknowledged } = iam5(stack);
    expect(acknowledged).toEqual([]);
    expect(findings).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });

  test('the inline policy rules are acknowledged on pipeline role policies', () => {
    const stack = policyWith([BUILD_CONTROL]);
    const report = complianceReport(stack);
    expect(report.findings.map((f) => f.ruleId).filter((id) => id.endsWith('IAMNoInlinePolicy'))).toEqual([]);
    expect(report.acknowledgements.map((a) => a.ruleId)).toEqual(expect.arrayContaining([
      'NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy',
    ]));
  });
});
