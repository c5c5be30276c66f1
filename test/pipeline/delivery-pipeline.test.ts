import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONNECTION_ARN, PIPELINE_ACCOUNT, REGION, ShopStage, ShopStageFactory, pipelineStack, threeEnvironmentPipeline, threeEnvironmentProps } from './fixtures';
import { Compliance, CompliancePack } from '../../src/compliance';
import { DeliveryConfigValue, DeliveryEnvironment, DeliveryPipeline, DeliverySource } from '../../src/pipeline';
import { complianceReport, expectCompliant } from '../support/compliance';

interface Action { Name: string; ActionTypeId: { Category: string; Provider: string }; RunOrder: number; Configuration?: any }
interface PipelineStage { Name: string; Actions: Action[] }

/** The stages of the pipeline whose source is `branch`. */
function stagesOf(template: Template, branch: string): PipelineStage[] {
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
  const found = pipelines.filter((p) => p.Properties.Stages[0].Actions[0].Configuration.BranchName === branch);
  expect(found).toHaveLength(1);
  return found[0].Properties.Stages;
}

function stage(stages: PipelineStage[], name: string): PipelineStage {
  const s = stages.find((x) => x.Name === name);
  if (!s) throw new Error(`no stage ${name} in ${stages.map((x) => x.Name).join(', ')}`);
  return s;
}

/** The build spec of the CodeBuild project behind an action, parsed. */
function buildSpecOf(template: Template, action: Action): any {
  const projects = template.findResources('AWS::CodeBuild::Project');
  const project = projects[action.Configuration.ProjectName.Ref];
  return JSON.parse(flatText(project.Properties.Source.BuildSpec));
}

/** A string or an Fn::Join of strings and references, with references shown as <Ref>. */
function flatText(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(flatText).join(value['Fn::Join'][0]);
  if (value.Ref) return `<${value.Ref}>`;
  return JSON.stringify(value);
}

/** The environment variables of the CodeBuild project behind an action. */
function projectEnv(template: Template, action: Action): Record<string, string> {
  const project = template.findResources('AWS::CodeBuild::Project')[action.Configuration.ProjectName.Ref];
  return Object.fromEntries((project.Properties.Environment.EnvironmentVariables ?? []).map((v: any) => [v.Name, v.Value]));
}

beforeEach(() => {
  delete process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE];
});

describe('DeliveryPipeline shape', () => {
  test('one pipeline per environment, each on its branch: source, synth, deploy', () => {
    const { stack } = threeEnvironmentPipeline();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 3);
    for (const [branch, env] of [['dev', 'DEV'], ['uat', 'UAT'], ['main', 'PROD']]) {
      const stages = stagesOf(template, branch);
      expect(stages[0].Actions[0]).toMatchObject({
        ActionTypeId: { Provider: 'CodeStarSourceConnection' },
        Configuration: { ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'shop/camera-counter', BranchName: branch },
      });
      expect(stage(stages, 'Build').Actions.map((a) => a.Name)).toEqual(['Synth']);
      expect(stage(stages, env).Actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation').map((a) => [a.Name.replace(/^Shop\./, ''), a.Configuration.ActionMode])).toEqual([
        ['Prepare', 'CHANGE_SET_REPLACE'], ['Deploy', 'CHANGE_SET_EXECUTE'],
      ]);
    }
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2', RestartExecutionOnUpdate: true });
  });

  test('a manual approval notifying the approvers\' topic precedes the PROD deployment, and only PROD', () => {
    const { stack, delivery } = threeEnvironmentPipeline();
    const template = Template.fromStack(stack);
    const prod = stage(stagesOf(template, 'main'), 'PROD').Actions;
    const approval = prod.find((a) => a.ActionTypeId.Category === 'Approval')!;
    expect(approval).toMatchObject({ Name: 'ApprovePROD', ActionTypeId: { Provider: 'Manual' } });
    expect(approval.Configuration.NotificationArn).toEqual({ Ref: stack.getLogicalId(delivery.approvalTopic.node.defaultChild as any) });
    expect(approval.Configuration.CustomData).toMatch(/Deploy main to PROD \(444444444444\/eu-west-1\)/);
    const prepare = prod.find((a) => a.Name.endsWith('Prepare'))!;
    expect(approval.RunOrder).toBeLessThan(prepare.RunOrder);
    for (const [branch, env] of [['dev', 'DEV'], ['uat', 'UAT']]) {
      expect(stage(stagesOf(template, branch), env).Actions.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
    }
  });

  test('UAT can require an approval too', () => {
    const props = threeEnvironmentProps();
    const { stack } = threeEnvironmentPipeline({ environments: props.environments.map((e) => e.name === 'UAT' ? { ...e, requireApproval: true } : e) });
    const uat = stage(stagesOf(Template.fromStack(stack), 'uat'), 'UAT').Actions;
    expect(uat.find((a) => a.ActionTypeId.Category === 'Approval')?.Name).toBe('ApproveUAT');
  });

  test('a waived PROD approval deploys without approval and records the reason', () => {
    const props = threeEnvironmentProps();
    const reason = 'Internal demo system without customer data';
    const { stack } = threeEnvironmentPipeline({
      environments: props.environments.map((e) => e.name === 'PROD' ? { ...e, requireApproval: false, approvalWaiverReason: reason } : e),
    });
    const template = Template.fromStack(stack);
    expect(stage(stagesOf(template, 'main'), 'PROD').Actions.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
    template.hasOutput('*', { Value: reason, Description: 'PROD deploys without manual approval' });
  });

  test('the synth step installs, tests and synthesizes with every compliance pack as a gate', () => {
    const { stack } = threeEnvironmentPipeline();
    const template = Template.fromStack(stack);
    const synth = stage(stagesOf(template, 'dev'), 'Build').Actions[0];
    const spec = buildSpecOf(template, synth);
    expect(spec.phases.install.commands).toEqual(['npm ci']);
    expect(spec.phases.build.commands).toEqual(['npm test', 'npx cdk synth']);
    expect(spec.artifacts['base-directory']).toBe('cdk.out');
    expect(projectEnv(template, synth)).toEqual({ RAMPART_COMPLIANCE_GATE: Compliance.DEFAULT_PACKS.join(',') });
  });

  test('synth commands are configurable', () => {
    const { stack } = threeEnvironmentPipeline({
      installCommands: ['yarn install --frozen-lockfile'],
      testCommands: ['yarn test'],
      synthCommands: ['yarn cdk synth -o build/cdk.out'],
      cdkOutputDirectory: 'build/cdk.out',
      compliancePacks: [CompliancePack.AWS_SOLUTIONS],
    });
    const template = Template.fromStack(stack);
    const spec = buildSpecOf(template, stage(stagesOf(template, 'uat'), 'Build').Actions[0]);
    expect(spec.phases.install.commands).toEqual(['yarn install --frozen-lockfile']);
    expect(spec.phases.build.commands).toEqual(['yarn test', 'yarn cdk synth -o build/cdk.out']);
    expect(spec.artifacts['base-directory']).toBe('build/cdk.out');
    expect(projectEnv(template, stage(stagesOf(template, 'uat'), 'Build').Actions[0])).toEqual({ RAMPART_COMPLIANCE_GATE: 'AwsSolutions' });
  });

  test('only the PROD pipeline updates the pipeline stack (self-mutation), and it can be turned off', () => {
    const template = Template.fromStack(threeEnvironmentPipeline().stack);
    expect(stagesOf(template, 'main').map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'PROD']);
    expect(stagesOf(template, 'dev').map((s) => s.Name)).toEqual(['Source', 'Build', 'DEV']);
    expect(stagesOf(template, 'uat').map((s) => s.Name)).toEqual(['Source', 'Build', 'UAT']);
    const off = Template.fromStack(threeEnvironmentPipeline({ selfMutation: false }).stack);
    expect(stagesOf(off, 'main').map((s) => s.Name)).toEqual(['Source', 'Build', 'PROD']);
  });

  test('branches are configurable', () => {
    const props = threeEnvironmentProps();
    const { stack } = threeEnvironmentPipeline({ environments: props.environments.map((e) => ({ ...e, branch: `release/${e.name.toLowerCase()}` })) });
    const template = Template.fromStack(stack);
    for (const name of ['dev', 'uat', 'prod']) stagesOf(template, `release/${name}`);
  });

  test('an S3 source reads <prefix><branch>.zip from the bucket', () => {
    const stack = pipelineStack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ source: DeliverySource.s3({ bucket, keyPrefix: 'shop/' }) }));
    const template = Template.fromStack(stack);
    for (const branch of ['dev', 'uat', 'main']) {
      const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
      const source = pipelines.map((p) => p.Properties.Stages[0].Actions[0]).find((a) => a.Configuration.S3ObjectKey === `shop/${branch}.zip`);
      expect(source).toMatchObject({ ActionTypeId: { Provider: 'S3' }, Configuration: { S3Bucket: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) } } });
    }
  });

  test('stages deploy to their environment with its configuration values', () => {
    const factory = new ShopStageFactory();
    const { delivery } = threeEnvironmentPipeline({ stageFactory: factory });
    expect(factory.calls.map((e) => [e.name, e.branch, e.account, e.region, e.requiresApproval])).toEqual([
      ['DEV', 'dev', '222222222222', REGION, false],
      ['UAT', 'uat', '333333333333', REGION, false],
      ['PROD', 'main', '444444444444', REGION, true],
    ]);
    const prod = delivery.stages[2] as ShopStage;
    expect(prod.account).toBe('444444444444');
    Template.fromStack(prod.shop).hasResourceProperties('AWS::SSM::Parameter', { Value: '1000' });
    Template.fromStack((delivery.stages[0] as ShopStage).shop).hasResourceProperties('AWS::SSM::Parameter', { Value: '10' });
    expect(delivery.pipelineFor('UAT')).toBe(delivery.pipelines[1]);
  });

  test('an environment without account or region deploys to the pipeline stack\'s', () => {
    const factory = new ShopStageFactory();
    threeEnvironmentPipeline({ stageFactory: factory, environments: [{ name: 'DEV', config: { initialCount: DeliveryConfigValue.fromNumber(1) } }] });
    expect(factory.calls[0].env).toEqual({ account: PIPELINE_ACCOUNT, region: REGION });
  });

  test('typed configuration values: wrong type, missing key and defaults', () => {
    const env = new DeliveryEnvironment({ name: 'DEV', branch: 'dev', account: PIPELINE_ACCOUNT, region: REGION, requiresApproval: false, config: { count: DeliveryConfigValue.fromNumber(3), name: DeliveryConfigValue.fromString('shop'), on: DeliveryConfigValue.fromBoolean(true) } });
    expect([env.numberValue('count'), env.stringValue('name'), env.booleanValue('on')]).toEqual([3, 'shop', true]);
    expect(env.numberValue('absent', 7)).toBe(7);
    expect(() => env.stringValue('count')).toThrow(/DeliveryEnvironment 'DEV' has invalid config:\n  - config.count: 3 \(number\); allowed: a string/);
    expect(() => env.numberValue('absent')).toThrow(/config.absent: not set; allowed: a key set in the environment's config \(known keys: count, name, on\)/);
  });
});

describe('DeliveryPipeline security', () => {
  test('artifacts: KMS key with rotation, versioned, TLS-only, private, access-logged bucket kept on delete', () => {
    const { stack, delivery } = threeEnvironmentPipeline();
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(delivery.artifactKey.node.defaultChild as any);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('Pipeline artifacts') });
    const bucketId = stack.getLogicalId(delivery.artifactBucket.node.defaultChild as s3.CfnBucket);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'artifacts/' },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // Every pipeline uses the one encrypted bucket.
    const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
    for (const p of pipelines) {
      expect(p.Properties.ArtifactStore).toMatchObject({ Location: { Ref: bucketId }, EncryptionKey: { Id: { 'Fn::GetAtt': [keyId, 'Arn'] }, Type: 'KMS' } });
    }
    // Keys only let AWS services create grants (Control Tower CT.KMS.PR.3).
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'kms:CreateGrant', Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } } })]) },
    });
  });

  test('builds log to an encrypted log group kept for a year, unprivileged, outside a VPC by default', () => {
    const { stack, delivery } = threeEnvironmentPipeline();
    const template = Template.fromStack(stack);
    const logGroupId = stack.getLogicalId(delivery.logGroup.node.defaultChild as any);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
    expect(projects.length).toBe(4); // three synth projects, one self-mutation
    for (const p of projects) {
      expect(p.Properties.LogsConfig.CloudWatchLogs).toMatchObject({ Status: 'ENABLED', GroupName: { Ref: logGroupId } });
      expect(p.Properties.Environment.PrivilegedMode).toBe(false);
      expect(p.Properties.EncryptionKey).toBeDefined();
      expect(p.Properties.VpcConfig).toBeUndefined();
    }
  });

  test('CodeBuild runs in the given VPC', () => {
    const stack = pipelineStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ vpc }));
    const projects = Object.values(Template.fromStack(stack).findResources('AWS::CodeBuild::Project')) as any[];
    for (const p of projects) {
      expect(p.Properties.VpcConfig).toMatchObject({ VpcId: { Ref: stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) } });
    }
  });

  test('failed executions notify the encrypted notification topic; approvers and watchers subscribe by e-mail', () => {
    const { stack, delivery } = threeEnvironmentPipeline({ approverEmails: ['release@shop.example'], notificationEmails: ['ops@shop.example'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CodeStarNotifications::NotificationRule', 3);
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
      Targets: [{ TargetType: 'SNS', TargetAddress: { Ref: stack.getLogicalId(delivery.notificationTopic.node.defaultChild as any) } }],
    });
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(delivery.encryptionKey.node.defaultChild as any), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { KmsMasterKeyId: keyArn }, 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'release@shop.example', TopicArn: { Ref: stack.getLogicalId(delivery.approvalTopic.node.defaultChild as any) } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example', TopicArn: { Ref: stack.getLogicalId(delivery.notificationTopic.node.defaultChild as any) } });
  });
});

describe('DeliveryPipeline container image', () => {
  test('the ECR repository scans on push, has immutable tags, lifecycle rules and KMS encryption, and the environments may pull', () => {
    const { stack, delivery } = threeEnvironmentPipeline({ imageBuild: { repositoryName: 'shop/counter', maxImageCount: 50 } });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ECR::Repository', {
      Properties: {
        RepositoryName: 'shop/counter',
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [stack.getLogicalId(delivery.encryptionKey.node.defaultChild as any), 'Arn'] } },
      },
      DeletionPolicy: 'Retain',
    });
    const repo = Object.values(template.findResources('AWS::ECR::Repository'))[0] as any;
    const rules = JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      expect.objectContaining({ selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1, countUnit: 'days' }, action: { type: 'expire' } }),
      expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } }),
    ]);
    const pullers = repo.Properties.RepositoryPolicyText.Statement.flatMap((s: any) => [s.Principal.AWS].flat()).map((p: any) => JSON.stringify(p));
    for (const account of ['222222222222', '333333333333', '444444444444']) expect(pullers.join()).toContain(`:iam::${account}:root`);
  });

  test('each deploy stage builds the image first (privileged only there) and PROD approves after the build', () => {
    const { stack } = threeEnvironmentPipeline({ imageBuild: { directory: 'service', dockerfile: 'Dockerfile.prod' } });
    const template = Template.fromStack(stack);
    for (const [branch, env] of [['dev', 'DEV'], ['uat', 'UAT'], ['main', 'PROD']]) {
      const actions = stage(stagesOf(template, branch), env).Actions;
      const build = actions.find((a) => a.Name === 'ImageBuild')!;
      const prepare = actions.find((a) => a.Name.endsWith('Prepare'))!;
      expect(build.RunOrder).toBeLessThan(prepare.RunOrder);
      const commands: string[] = buildSpecOf(template, build).phases.build.commands;
      expect(commands.join('\n')).toContain(`docker build -f service/Dockerfile.prod -t ${PIPELINE_ACCOUNT}.dkr.ecr.${REGION}.`);
      expect(commands.join('\n')).toMatch(/aws ecr describe-images --repository-name delivery-pipeline --image-ids imageTag=\$RAMPART_IMAGE_TAG/);
    }
    const prod = stage(stagesOf(template, 'main'), 'PROD').Actions;
    expect(prod.find((a) => a.Name === 'ApprovePROD')!.RunOrder).toBeGreaterThan(prod.find((a) => a.Name === 'ImageBuild')!.RunOrder);
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
    expect(projects.filter((p) => p.Properties.Environment.PrivilegedMode).length).toBe(3);
    expect(projects.filter((p) => p.Properties.Environment.PrivilegedMode).every((p) => p.Properties.Description.includes('ImageBuild'))).toBe(true);
  });

  test('build commands prepare the context before docker build, only for a commit without its image, and docker build runs from the root', () => {
    const { stack } = threeEnvironmentPipeline({ imageBuild: { directory: 'build/web', buildCommands: ['npm install', 'cd web && npm run bundle'] } });
    const template = Template.fromStack(stack);
    const build = stage(stagesOf(template, 'main'), 'PROD').Actions.find((a) => a.Name === 'ImageBuild')!;
    const commands: string[] = buildSpecOf(template, build).phases.build.commands;
    const at = (text: string) => commands.findIndex((c) => c.includes(text));
    expect(commands[at('describe-images')]).toMatch(/then echo "Image \$RAMPART_IMAGE_TAG exists"; export RAMPART_IMAGE_MISSING=false; else export RAMPART_IMAGE_MISSING=true; fi$/);
    expect(commands[at('npm install')]).toBe('if [ "$RAMPART_IMAGE_MISSING" = true ]; then npm install; fi');
    expect(commands[at('npm run bundle')]).toBe('if [ "$RAMPART_IMAGE_MISSING" = true ]; then cd web && npm run bundle; fi');
    expect(commands[at('docker build')]).toMatch(/^if \[ "\$RAMPART_IMAGE_MISSING" = true \]; then cd "\$CODEBUILD_SRC_DIR" && docker build -f build\/web\/Dockerfile .* build\/web && docker push .*; fi$/);
    expect([at('describe-images'), at('npm install'), at('npm run bundle'), at('docker build')]).toEqual([2, 3, 4, 5]);
  });

  test('the synth step exports the image tag, and the stage receives it', () => {
    const { stack } = threeEnvironmentPipeline({ imageBuild: {} });
    const template = Template.fromStack(stack);
    const spec = buildSpecOf(template, stage(stagesOf(template, 'main'), 'Build').Actions[0]);
    expect(spec.phases.build.commands[0]).toMatch(/^export RAMPART_IMAGE_TAG=\$\(printf %s "\$CODEBUILD_RESOLVED_SOURCE_VERSION"/);

    process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE] = '3f2a9c1';
    const factory = new ShopStageFactory();
    const { delivery } = threeEnvironmentPipeline({ imageBuild: {}, stageFactory: factory });
    Template.fromStack((delivery.stages[2] as ShopStage).shop).hasResourceProperties('AWS::SSM::Parameter', { Value: '3f2a9c1' });
    expect(factory.calls[0]).toMatchObject({ imageRepositoryName: 'delivery-pipeline' });
    expect(stack.resolve(factory.calls[0].imageRepositoryArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${REGION}:${PIPELINE_ACCOUNT}:repository/delivery-pipeline`]] });
    delete process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE];
    expect(factory.calls[0].imageTag).toBe(DeliveryEnvironment.LOCAL_IMAGE_TAG);
  });
});

describe('DeliveryPipeline compliance gate', () => {
  /** An app whose DEV stage holds a bucket without TLS enforcement, unknown to the pipeline. */
  function appWithInsecureStage(): App {
    const app = new App();
    const insecure = {
      createStage: (scope: any, id: string, environment: DeliveryEnvironment) => {
        const s = new ShopStage(scope, id, { env: environment.env, initialCount: 1, imageTag: environment.imageTag });
        new s3.Bucket(s.shop, 'Insecure', { enforceSSL: false });
        return s;
      },
    };
    threeEnvironmentPipeline({ stageFactory: insecure, environments: [{ name: 'DEV', account: '222222222222' }], compliancePacks: [CompliancePack.AWS_SOLUTIONS] }, app);
    return app;
  }

  afterEach(() => {
    delete process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE];
  });

  test('in the pipeline\'s synth the packs are registered and a finding in a stage fails the synth', () => {
    process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE] = 'AwsSolutions';
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // CDK prints the report too
    expect(() => appWithInsecureStage().synth()).toThrow(/AwsSolutions-S10/);
  });

  test('outside the pipeline nothing is registered', () => {
    expect(() => appWithInsecureStage().synth()).not.toThrow();
  });

  test('an unknown pack in the gate variable', () => {
    process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE] = 'AwsSolutions,SOC2';
    expect(() => threeEnvironmentPipeline()).toThrow(/DeliveryPipeline '.*' has invalid environment variables:\n  - RAMPART_COMPLIANCE_GATE: 'AwsSolutions,SOC2' names no pack or an unknown one \(SOC2\); allowed: a comma-separated list of AwsSolutions/);
  });
});

describe('DeliveryPipeline validation', () => {
  const withEnv = (change: Record<string, unknown>, name = 'PROD') =>
    threeEnvironmentProps().environments.map((e) => e.name === name ? { ...e, ...change } : e);

  test('the pipeline stack needs an account and region', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps())).toThrow(/env: 'Agnostic' holds DeliveryPipeline and has no account; allowed: a stack with env/);
    const noRegion = new Stack(new App(), 'NoRegion', { env: { account: PIPELINE_ACCOUNT } });
    expect(() => new DeliveryPipeline(noRegion, 'Pipeline', threeEnvironmentProps())).toThrow(/env: 'NoRegion' holds DeliveryPipeline and has no region/);
  });

  test('an environment with no account when the pipeline stack has none to lend', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ environments: [{ name: 'DEV' }] })))
      .toThrow(/environments\[0\].account: not set and the pipeline stack has no account to default to; allowed: a 12-digit account id/);
  });

  test('two environments on the same branch', () => {
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ branch: 'dev' }) })).toThrow(/environments\[2\].branch: 'dev' is already the branch of DEV; allowed: one environment per branch/);
  });

  test('PROD without approval unless waived with a reason', () => {
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ requireApproval: false }) })).toThrow(/environments\[2\].requireApproval: false for PROD needs approvalWaiverReason/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ requireApproval: false, approvalWaiverReason: '  ' }) })).toThrow(/environments\[2\].requireApproval: false for PROD needs approvalWaiverReason/);
  });

  test('a waiver where no approval is waived', () => {
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ approvalWaiverReason: 'because' }) })).toThrow(/environments\[2\].approvalWaiverReason: 'because' is set, but PROD requires an approval/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ approvalWaiverReason: 'because' }, 'DEV') })).toThrow(/environments\[0\].approvalWaiverReason: 'because' is set, but DEV needs no waiver/);
  });

  test('an unknown or repeated environment name', () => {
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ name: 'STAGING' }, 'UAT') })).toThrow(/environments\[1\].name: 'STAGING' is not an environment name; allowed: DEV, UAT, PROD/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ name: 'DEV', branch: 'dev2' }, 'UAT') })).toThrow(/environments\[1\].name: 'DEV' is already environments\[0\]/);
    expect(() => threeEnvironmentPipeline({ environments: [] })).toThrow(/environments: \[\]; allowed: one to three of DEV, UAT, PROD/);
  });

  test('a connection ARN that is not an ARN, and a repository that is not owner/name', () => {
    const source = DeliverySource.connection({ connectionArn: 'my-github-connection', repository: 'camera-counter' });
    expect(() => threeEnvironmentPipeline({ source })).toThrow(/source.connectionArn: 'my-github-connection' is not a connection ARN[^]*source.repository: 'camera-counter' is not a repository/);
    const codestar = DeliverySource.connection({ connectionArn: `arn:aws:codestar-connections:${REGION}:${PIPELINE_ACCOUNT}:connection/abc-123`, repository: 'shop/counter' });
    expect(() => threeEnvironmentPipeline({ source: codestar })).not.toThrow();
  });

  test('accounts, regions and branches that are not', () => {
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ account: '1234' }) })).toThrow(/environments\[2\].account: '1234' is not an account id; allowed: 12 digits/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ region: 'Ireland' }) })).toThrow(/environments\[2\].region: 'Ireland' is not a region; allowed: a region name/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ branch: 'main branch' }) })).toThrow(/environments\[2\].branch: 'main branch' is not a branch name/);
  });

  test('configuration values that are not DeliveryConfigValues (from JavaScript, where nothing checks types)', () => {
    const config = { initialCount: DeliveryConfigValue.fromNumber(1000), hosts: ['a', 'b'], retries: 3 } as unknown as Record<string, DeliveryConfigValue>;
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ config }) })).toThrow(/environments\[2\].config.hosts: \["a","b"\] is a list; allowed: DeliveryConfigValue.fromString\(...\), DeliveryConfigValue.fromNumber\(...\) or DeliveryConfigValue.fromBoolean\(...\)/);
    expect(() => threeEnvironmentPipeline({ environments: withEnv({ config }) })).toThrow(/environments\[2\].config.retries: 3 is a number; allowed: DeliveryConfigValue/);
  });

  test('image build, commands, packs, e-mails, subnets and the S3 key prefix', () => {
    expect(() => threeEnvironmentPipeline({ imageBuild: { repositoryName: 'Shop Counter', maxImageCount: 0, dockerfile: '../Dockerfile' } })).toThrow(
      /imageBuild.repositoryName: 'Shop Counter' is not an ECR repository name[^]*imageBuild.maxImageCount: 0; allowed: a whole number[^]*imageBuild.dockerfile: '..\/Dockerfile' is not a path inside the repository/);
    expect(() => threeEnvironmentPipeline({ imageBuild: { buildCommands: ['npm install', ''] } })).toThrow(
      /imageBuild.buildCommands\[1\]: '' is empty or spans lines; allowed: one shell command on one line/);
    expect(() => threeEnvironmentPipeline({ synthCommands: [] })).toThrow(/synthCommands: \[\]; allowed: at least one command/);
    expect(() => threeEnvironmentPipeline({ compliancePacks: [] })).toThrow(/compliancePacks: \[\]; allowed: at least one of AwsSolutions/);
    expect(() => threeEnvironmentPipeline({ cdkOutputDirectory: '../out' })).toThrow(/cdkOutputDirectory: '..\/out' is not a relative directory/);
    expect(() => threeEnvironmentPipeline({ approverEmails: ['release'] })).toThrow(/approverEmails\[0\]: 'release' is not an e-mail address; allowed/);
    expect(() => threeEnvironmentPipeline({ subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })).toThrow(/subnetSelection: .* is set without vpc; allowed: only together with vpc/);
    const stack = pipelineStack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    expect(() => new DeliveryPipeline(stack, 'P', threeEnvironmentProps({ source: DeliverySource.s3({ bucket, keyPrefix: '/src' }) }))).toThrow(/source.keyPrefix: '\/src' must not start with '\/'/);
    // CodePipeline's S3 source reads object versions: an unversioned bucket of this app never triggers.
    const unversioned = new s3.Bucket(stack, 'Unversioned');
    expect(() => new DeliveryPipeline(stack, 'Q', threeEnvironmentProps({ source: DeliverySource.s3({ bucket: unversioned }) })))
      .toThrow(/source.bucket: 'Delivery\/Unversioned' is not versioned; allowed: a bucket with versioned: true/);
    // An imported bucket's versioning is unknown at synth: taken as versioned.
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'shop-sources');
    expect(() => new DeliveryPipeline(stack, 'R', threeEnvironmentProps({ source: DeliverySource.s3({ bucket: imported }) }))).not.toThrow();
  });

  test('every problem in one error', () => {
    expect(() => threeEnvironmentPipeline({
      source: DeliverySource.connection({ connectionArn: 'nope', repository: 'shop/counter' }),
      environments: [{ name: 'DEV' }, { name: 'QA', branch: 'dev' }],
    })).toThrow(/source.connectionArn[^]*\n\s+- environments\[1\].name: 'QA'[^]*\n\s+- environments\[1\].branch: 'dev' is already the branch of DEV/);
  });

  test('a stage that does not deploy to its environment', () => {
    const forgetful = { createStage: (scope: any, id: string) => new ShopStage(scope, id, { initialCount: 1, imageTag: 'x' }) };
    expect(() => threeEnvironmentPipeline({ stageFactory: forgetful })).toThrow(/stageFactory: the stage for DEV deploys to no account\/no region; allowed: 222222222222\/eu-west-1 \(pass env: environment.env to the Stage\)/);
  });

  test('pipelineFor an unknown environment', () => {
    const { delivery } = threeEnvironmentPipeline({ environments: [{ name: 'DEV', account: '222222222222', config: { initialCount: DeliveryConfigValue.fromNumber(1) } }] });
    expect(() => delivery.pipelineFor('PROD')).toThrow(/DeliveryPipeline 'Delivery\/Pipeline' has invalid arguments of pipelineFor:\n  - name: 'PROD' is not one of this pipeline's environments; allowed: DEV/);
  });
});

describe('DeliveryPipeline snapshot and compliance', () => {
  test('three-environment pipeline stack snapshot', () => {
    const { stack } = threeEnvironmentPipeline({ imageBuild: {}, approverEmails: ['release@shop.example'] });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('a three-environment pipeline stack with image build is compliant with reasoned acknowledgements only', () => {
    const { stack } = threeEnvironmentPipeline({ imageBuild: {} });
    const report = expectCompliant(stack);
    expect(report.acknowledgements.length).toBeGreaterThan(0);
    for (const a of report.acknowledgements) expect(a.reason.length).toBeGreaterThan(40);
    // Nothing inside the application stages is acknowledged by the pipeline.
    expect(report.acknowledgements.filter((a) => /\/(DEV|UAT|PROD)\/Shop\//.test(a.constructPath))).toEqual([]);
  });

  test('an S3-sourced pipeline in a VPC is compliant too', () => {
    const stack = pipelineStack();
    const bucket = new s3.Bucket(stack, 'Sources', { versioned: true });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps({ source: DeliverySource.s3({ bucket }), vpc }));
    // The test's own source bucket and VPC are not the construct's: only its findings count here.
    const findings = complianceReport(stack).findings.filter((f) => f.constructPath.startsWith('Delivery/Pipeline/'));
    expect(findings.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
  });
});
