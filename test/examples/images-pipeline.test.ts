import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildImagesApp } from '../../examples/images/images-app';
import { IMAGES_FRONTEND_CONTEXT, ImagesStageFactory } from '../../examples/images/images-pipeline-stack';
import { IMAGES_SIZING, ImagesStage } from '../../examples/images/images-stage';
import { DeliveryConfigValue, DeliveryEnvironment } from '../../src/pipeline';
import { expectCompliant } from '../support/compliance';

/**
 * The compositor's delivery (ImagesPipeline: DEV, UAT and PROD from cdk.json on dev, uat and main,
 * approval before PROD, the gallery's image built once per commit) and the stage factory that
 * sizes each environment's ImagesStage. One app from cdk.json is built once and shared.
 */

const CDK_JSON = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/images/cdk.json'), 'utf-8'));
const app = new App({ context: CDK_JSON.context });
const built = buildImagesApp(app);
if (!built.pipeline) throw new Error('cdk.json has no images:pipeline');
const pipeline = built.pipeline;
const template = Template.fromStack(pipeline);
const stages = pipeline.delivery.stages as ImagesStage[];

type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string }; Configuration?: any };
const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
const branchOf = (p: any): string => p.Properties.Stages[0].Actions[0].Configuration.BranchName;
const actionsOf = (p: any): Action[] => p.Properties.Stages.flatMap((s: any) => s.Actions);
const pipelineOf = (branch: string) => pipelines.find((p) => branchOf(p) === branch)!;
const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
const buildSpecs = projects.map((p) => JSON.stringify(p.Properties.Source.BuildSpec ?? ''));

describe('ImagesPipeline stack', () => {
  test('three pipelines: DEV on dev, UAT on uat, PROD on main, each deploying its stage to its account', () => {
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 3);
    expect(pipeline.delivery.environments.map((e) => [e.name, e.branch, e.account, e.region, e.requiresApproval])).toEqual([
      ['DEV', 'dev', '222222222222', 'eu-west-1', false],
      ['UAT', 'uat', '333333333333', 'eu-west-1', false],
      ['PROD', 'main', '444444444444', 'eu-west-1', true],
    ]);
    expect(pipelines.map(branchOf).sort()).toEqual(['dev', 'main', 'uat']);
    for (const s of stages) {
      const environment = pipeline.delivery.environments.find((e) => e.name === s.node.id)!;
      expect([s.api.account, s.data.account, s.frontend?.account, s.recovery.account]).toEqual(Array(4).fill(environment.account));
      expect(s.recovery.region).not.toBe(environment.region);
    }
  });

  test('a manual approval precedes the PROD deployment only, after its image build and before any deployment', () => {
    expect(pipelines.map((p) => actionsOf(p).filter((a) => a.ActionTypeId.Category === 'Approval').length).sort()).toEqual([0, 0, 1]);
    const prod = pipelineOf('main').Properties.Stages.find((s: any) => s.Name === 'PROD');
    const approval = prod.Actions.find((a: Action) => a.ActionTypeId.Category === 'Approval');
    const build = prod.Actions.find((a: Action) => a.Name === 'ImageBuild');
    const deploys = prod.Actions.filter((a: Action) => a.ActionTypeId.Category === 'Deploy');
    expect(deploys.length).toBeGreaterThan(0);
    expect(approval.RunOrder).toBeGreaterThan(build.RunOrder);
    for (const d of deploys) expect(d.RunOrder).toBeGreaterThan(approval.RunOrder);
  });

  test('each pipeline builds the gallery image (bundles first, then frontend/Dockerfile) into the one ECR repository', () => {
    template.resourceCountIs('AWS::ECR::Repository', 1);
    for (const p of pipelines) expect(actionsOf(p).some((a) => a.Name === 'ImageBuild')).toBe(true);
    const imageBuilds = buildSpecs.filter((s) => s.includes('docker build'));
    expect(imageBuilds).toHaveLength(3);
    for (const spec of imageBuilds) {
      // The build spec joins the registry's tokens in: its text, in command order.
      const at = (text: string) => spec.indexOf(text);
      // Only for a commit whose image is not in the repository yet.
      expect(spec).toMatch(/RAMPART_IMAGE_MISSING[^a-z]+= true \]; then bash tools\/setup.sh; fi/);
      expect(spec).toMatch(/RAMPART_IMAGE_MISSING[^a-z]+= true \]; then npx projen examples:build; fi/);
      expect(spec).toContain(`docker build -f ${IMAGES_FRONTEND_CONTEXT}/Dockerfile`);
      expect(at('describe-images')).toBeLessThan(at('tools/setup.sh'));
      expect(at('tools/setup.sh')).toBeLessThan(at('examples:build'));
      expect(at('examples:build')).toBeLessThan(at('docker build'));
    }
    // The folder examples:build writes is the one the Dockerfile is built from.
    expect(IMAGES_FRONTEND_CONTEXT).toBe('build/examples/images/frontend');
    for (const s of stages) {
      const task = Object.values(Template.fromStack(s.frontend!).findResources('AWS::ECS::TaskDefinition'))[0] as any;
      expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain('imagespipeline-delivery');
    }
  });

  test('the synth step installs the engines, builds and tests the images example, then synthesizes its app', () => {
    const synth = buildSpecs.filter((s) => s.includes('npx cdk synth'));
    expect(synth).toHaveLength(3);
    for (const s of synth) {
      expect(s).toContain('bash tools/setup.sh');
      expect(s).toContain('npx projen examples:build');
      expect(s).toContain("RAMPART_ENGINES=dynamodb-local,redis,s3rver npx jest 'test/examples/images'");
      expect(s).toContain('cd examples/images && npx cdk synth');
    }
  });

  test('each environment is sized by its name: DEV one small cache node and a gallery at zero tasks out of working hours, PROD Multi-AZ and always on', () => {
    for (const s of stages) expect(s.sizing).toEqual(IMAGES_SIZING[s.node.id as keyof typeof IMAGES_SIZING]);
    const [dev, uat, prod] = stages;
    const cacheOf = (s: ImagesStage) => (Object.values(Template.fromStack(s.data).findResources('AWS::ElastiCache::ReplicationGroup'))[0] as any).Properties;
    expect([cacheOf(dev).CacheNodeType, cacheOf(dev).NumCacheClusters, cacheOf(dev).MultiAZEnabled]).toEqual(['cache.t4g.micro', 1, false]);
    expect([cacheOf(uat).CacheNodeType, cacheOf(uat).NumCacheClusters]).toEqual(['cache.t4g.small', 2]);
    expect([cacheOf(prod).CacheNodeType, cacheOf(prod).NumCacheClusters, cacheOf(prod).MultiAZEnabled]).toEqual(['cache.r7g.large', 3, true]);

    const scalingOf = (s: ImagesStage) => (Object.values(Template.fromStack(s.frontend!).findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any).Properties;
    const devScaling = scalingOf(dev);
    expect(devScaling.ScheduledActions).toEqual(expect.arrayContaining([
      expect.objectContaining({ Schedule: 'cron(0 7 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } }),
      expect.objectContaining({ Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
    ]));
    expect(scalingOf(prod).ScheduledActions).toBeUndefined();
    expect([scalingOf(prod).MinCapacity, scalingOf(prod).MaxCapacity]).toEqual([3, 20]);
    Template.fromStack(dev.frontend!).hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    Template.fromStack(prod.frontend!).hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048' });
  });
});

describe('ImagesStageFactory', () => {
  const environment = (name: string, config?: Record<string, DeliveryConfigValue>) => new DeliveryEnvironment({
    name,
    branch: name.toLowerCase(),
    account: '333333333333',
    region: 'eu-west-1',
    requiresApproval: false,
    config,
    imageRepositoryName: 'imagespipeline-delivery',
    imageRepositoryArn: 'arn:aws:ecr:eu-west-1:111111111111:repository/imagespipeline-delivery',
  });

  test('a stage in the environment\'s account, sized by its name, with its recovery region, the front end from the pipeline\'s image and uploads from the gallery\'s name only', () => {
    const stage = new ImagesStageFactory().createStage(new App(), 'UAT', environment('UAT', {
      [ImagesStageFactory.FRONTEND_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:eu-west-1:333333333333:certificate/00000000-0000-0000-0000-000000000003'),
      [ImagesStageFactory.FRONTEND_DOMAIN_NAME]: DeliveryConfigValue.fromString('gallery.uat.example.com'),
      [ImagesStageFactory.RECOVERY_REGION]: DeliveryConfigValue.fromString('eu-north-1'),
    }));
    expect([stage.api.account, stage.api.region, stage.recovery.region]).toEqual(['333333333333', 'eu-west-1', 'eu-north-1']);
    expect(stage.sizing).toBe(IMAGES_SIZING.UAT);
    const cors = (Object.values(Template.fromStack(stage.assets).findResources('AWS::S3::Bucket')) as any[]).flatMap((b) => b.Properties.CorsConfiguration?.CorsRules ?? []);
    expect(cors.map((r) => r.AllowedOrigins)).toEqual([['https://gallery.uat.example.com']]);
    const task = Object.values(Template.fromStack(stage.frontend!).findResources('AWS::ECS::TaskDefinition'))[0] as any;
    expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain(`imagespipeline-delivery:${DeliveryEnvironment.LOCAL_IMAGE_TAG}`);
  });

  test('without a certificate the environment has no front end; an environment without a sizing preset is refused by name', () => {
    expect(new ImagesStageFactory().createStage(new App(), 'DEV', environment('DEV')).frontend).toBeUndefined();
    expect(() => new ImagesStageFactory().createStage(new App(), 'QA', environment('QA'))).toThrow(/environmentName: "QA"; allowed: DEV, UAT, PROD/);
  });
});

describe('compliance', () => {
  // DEV, UAT and PROD are one factory's stages, differing in account, certificate and sizing: the
  // suite checks the pipeline with PROD's (the approved one) and the stage deployed without the
  // pipeline; the main job (`npx projen synth:examples images`) checks all three in its report.
  test('the pipeline stack, its artifact support stack in the recovery region and the PROD stage it delivers have zero unacknowledged findings', () => {
    const { PROD } = CDK_JSON.context['images:environments'];
    const prodApp = new App({ context: { ...CDK_JSON.context, 'images:environments': { PROD } } });
    const { pipeline: prodPipeline } = buildImagesApp(prodApp);
    const report = expectCompliant(prodApp);
    const stageStacks = ['ImagesApi', 'ImagesAssets', 'ImagesData', 'ImagesFrontend', 'ImagesMonitoring', 'ImagesNetwork', 'ImagesRecovery'];
    expect(report.summary().map((s) => s.stack).sort()).toEqual([
      ...stageStacks.map((s) => `Images/${s}`),
      'ImagesPipeline',
      ...stageStacks.map((s) => `ImagesPipeline/Delivery/PROD/${s}`),
      'ImagesPipeline-Delivery-eu-central-1',
    ].sort());
    // The recovery region's artifacts are in the delivery's own support stack, not CodePipeline's.
    expect(Object.keys(prodPipeline!.delivery.replicationBuckets)).toEqual(['eu-central-1']);
    expect(Stack.of(prodPipeline!.delivery.replicationBuckets['eu-central-1']).stackName).toBe('ImagesPipeline-Delivery-eu-central-1');
  });
});
