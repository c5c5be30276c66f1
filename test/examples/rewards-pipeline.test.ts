import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildRewardsApp, type RewardsApp } from '../../examples/rewards/rewards-app';
import { RewardsStage, RewardsStageFactory } from '../../examples/rewards/rewards-stage';
import { DeliveryConfigValue, DeliveryEnvironment } from '../../src/pipeline';
import { expectCompliant } from '../support/compliance';

/**
 * The rewards platform's delivery (RewardsPipeline: DEV, UAT and PROD from cdk.json, approval before
 * PROD) and the stage factory that makes each environment's RewardsStage.
 */

const CDK_JSON = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/rewards/cdk.json'), 'utf-8'));

function rewardsApp(): { app: App } & Required<RewardsApp> {
  const app = new App({ context: CDK_JSON.context });
  const built = buildRewardsApp(app);
  if (!built.pipeline) throw new Error('cdk.json has no rewards:pipeline');
  return { app, stage: built.stage, pipeline: built.pipeline };
}

/** The app from cdk.json, built and synthesized once for every test that reads it. */
let shared: ReturnType<typeof rewardsApp> | undefined;
const sharedRewardsApp = () => (shared ??= rewardsApp());

describe('RewardsStageFactory', () => {
  const environment = (config?: Record<string, DeliveryConfigValue>, image = true) => new DeliveryEnvironment({
    name: 'UAT',
    branch: 'uat',
    account: '333333333333',
    region: 'eu-west-1',
    requiresApproval: false,
    config,
    imageRepositoryName: image ? 'rewardspipeline-delivery' : undefined,
    imageRepositoryArn: image ? 'arn:aws:ecr:eu-west-1:111111111111:repository/rewardspipeline-delivery' : undefined,
  });

  test('a stage in the environment\'s account with its settings and the users service from the pipeline\'s image', () => {
    const stage = new RewardsStageFactory().createStage(new App(), 'UAT', environment({
      [RewardsStageFactory.USERS_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:eu-west-1:333333333333:certificate/00000000-0000-0000-0000-000000000003'),
      [RewardsStageFactory.ID_VERIFIER_URL]: DeliveryConfigValue.fromString('https://id.example/check'),
      [RewardsStageFactory.ACCOUNT_CONCURRENCY]: DeliveryConfigValue.fromNumber(3000),
    }));
    expect(stage).toBeInstanceOf(RewardsStage);
    expect([stage.api.account, stage.api.region]).toEqual(['333333333333', 'eu-west-1']);
    Template.fromStack(stage.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REWARDS_ID_VERIFIER_URL: 'https://id.example/check' }) },
    });
    const task = Object.values(Template.fromStack(stage.users!).findResources('AWS::ECS::TaskDefinition'))[0] as any;
    expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain('rewardspipeline-delivery:local');
  });

  test('without a certificate the environment has no users service; without a pipeline image, the users image is a Docker asset', () => {
    expect(new RewardsStageFactory().createStage(new App(), 'UAT', environment()).users).toBeUndefined();
    const stage = new RewardsStageFactory().createStage(new App(), 'UAT', environment({
      [RewardsStageFactory.USERS_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:eu-west-1:333333333333:certificate/00000000-0000-0000-0000-000000000003'),
    }, false));
    const task = Object.values(Template.fromStack(stage.users!).findResources('AWS::ECS::TaskDefinition'))[0] as any;
    expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain('cdk-hnb659fds-container-assets');
  });
});

describe('RewardsPipeline stack', () => {
  const { pipeline } = sharedRewardsApp();
  const template = Template.fromStack(pipeline);

  test('one pipeline per environment, DEV, UAT and PROD, each deploying its stage (with the users service) to its account', () => {
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 3);
    expect(pipeline.delivery.environments.map((e) => [e.name, e.branch, e.account, e.region, e.requiresApproval])).toEqual([
      ['DEV', 'dev', '222222222222', 'eu-west-1', false],
      ['UAT', 'uat', '333333333333', 'eu-west-1', false],
      ['PROD', 'main', '444444444444', 'eu-west-1', true],
    ]);
    for (const s of pipeline.delivery.stages as RewardsStage[]) {
      const environment = pipeline.delivery.environments.find((e) => e.name === s.node.id)!;
      expect([s.api.account, s.users?.account]).toEqual([environment.account, environment.account]);
    }
  });

  test('a manual approval precedes the PROD deployment only', () => {
    const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
    const approvals = pipelines.map((p) => p.Properties.Stages.flatMap((s: any) => s.Actions).filter((a: any) => a.ActionTypeId.Category === 'Approval').length);
    expect(approvals.sort()).toEqual([0, 0, 1]);
  });

  test('the synth step installs the engines, builds and tests the rewards example, then synthesizes its app; the users image is built once per commit', () => {
    const specs = Object.values(template.findResources('AWS::CodeBuild::Project')).map((p: any) => JSON.stringify(p.Properties.Source.BuildSpec ?? ''));
    const synth = specs.filter((s) => s.includes('npx cdk synth'));
    expect(synth).toHaveLength(3);
    for (const s of synth) {
      expect(s).toContain('bash tools/setup.sh');
      expect(s).toContain('npx projen examples:build');
      expect(s).toContain('RAMPART_ENGINES=dynamodb-local,kinesalite,postgres npx jest');
      expect(s).toContain('cd examples/rewards && npx cdk synth');
    }
    expect(specs.filter((s) => s.includes('docker build')).length).toBeGreaterThanOrEqual(1);
    expect(specs.some((s) => s.includes('examples/rewards/users-domain'))).toBe(true);
    template.resourceCountIs('AWS::ECR::Repository', 1);
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('the web apps\' domain', () => {
  test('PROD serves them on its custom domain from cdk.json with its certificate, SNI and TLSv1.2_2021, and signs in back to it; DEV keeps the default certificate', () => {
    const { pipeline } = sharedRewardsApp();
    const settings = CDK_JSON.context['rewards:environments'].PROD;
    const stage = (name: string) => pipeline.delivery.stages.find((s) => s.node.id === name) as RewardsStage;
    const prod = Template.fromStack(stage('PROD').web);
    prod.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: settings.webDomainNames,
        ViewerCertificate: { AcmCertificateArn: settings.webCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    prod.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: Match.arrayWith([`https://${settings.webDomainNames[0]}/`]) });
    Template.fromStack(stage('DEV').web).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: Match.absent(), ViewerCertificate: Match.absent() }),
    });
  });

  test('PROD serves the merchants\' catalogs on their custom domain from cdk.json with its certificate, SNI and TLSv1.2_2021; DEV keeps the default certificate', () => {
    const { pipeline } = rewardsApp();
    const settings = CDK_JSON.context['rewards:environments'].PROD;
    const stage = (name: string) => pipeline.delivery.stages.find((s) => s.node.id === name) as RewardsStage;
    Template.fromStack(stage('PROD').catalogs).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: settings.catalogDomainNames,
        ViewerCertificate: { AcmCertificateArn: settings.catalogCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    Template.fromStack(stage('DEV').catalogs).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: Match.absent(), ViewerCertificate: Match.absent() }),
    });
  });

  test('the stage factory reads the catalogs\' names (comma-separated) and certificate from the environment\'s config', () => {
    const stage = new RewardsStageFactory().createStage(new App(), 'PROD', new DeliveryEnvironment({
      name: 'PROD',
      branch: 'main',
      account: '444444444444',
      region: 'eu-west-1',
      requiresApproval: true,
      config: {
        [RewardsStageFactory.CATALOG_DOMAIN_NAMES]: DeliveryConfigValue.fromString('catalogs.rewards.example.org,media.rewards.example.org'),
        [RewardsStageFactory.CATALOG_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:us-east-1:444444444444:certificate/00000000-0000-0000-0000-000000000045'),
      },
    }));
    Template.fromStack(stage.catalogs).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['catalogs.rewards.example.org', 'media.rewards.example.org'], ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }) }),
    });
  });

  test('the stage factory reads the names (comma-separated) and the certificate from the environment\'s config', () => {
    const stage = new RewardsStageFactory().createStage(new App(), 'PROD', new DeliveryEnvironment({
      name: 'PROD',
      branch: 'main',
      account: '444444444444',
      region: 'eu-west-1',
      requiresApproval: true,
      config: {
        [RewardsStageFactory.WEB_DOMAIN_NAMES]: DeliveryConfigValue.fromString('rewards.example.org,www.rewards.example.org'),
        [RewardsStageFactory.WEB_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:us-east-1:444444444444:certificate/00000000-0000-0000-0000-000000000044'),
      },
    }));
    Template.fromStack(stage.web).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['rewards.example.org', 'www.rewards.example.org'], ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }) }),
    });
  });
});

describe('compliance', () => {
  // DEV, UAT and PROD are one factory's stages, differing only in account and certificate: the suite
  // checks the pipeline with PROD's (the approved one) and the stage deployed without the pipeline;
  // the main job (`npx projen synth:examples rewards`) checks all three in its report.
  test('the pipeline stack and the PROD stage it delivers have zero unacknowledged findings', () => {
    const { PROD } = CDK_JSON.context['rewards:environments'];
    const app = new App({ context: { ...CDK_JSON.context, 'rewards:environments': { PROD } } });
    buildRewardsApp(app);
    const report = expectCompliant(app);
    const stageStacks = ['RewardsAnalytics', 'RewardsApi', 'RewardsCatalogs', 'RewardsMonitoring', 'RewardsUsers', 'RewardsWeb'];
    expect(report.summary().map((s) => s.stack).sort()).toEqual([
      ...['RewardsAnalytics', 'RewardsApi', 'RewardsCatalogs', 'RewardsMonitoring', 'RewardsWeb'].map((s) => `Rewards/${s}`),
      'RewardsPipeline',
      ...stageStacks.map((s) => `RewardsPipeline/Delivery/PROD/${s}`),
    ]);
    expect(Stack.of(app.node.findChild('RewardsPipeline')).stackName).toBe('RewardsPipeline');
  });
});
