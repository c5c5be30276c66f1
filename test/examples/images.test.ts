import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGES_ENV } from '../../examples/images/domain/settings';
import { COMPOSITION_DURATION_METRIC } from '../../examples/images/handlers/compose';
import { CACHE_METRICS } from '../../examples/images/handlers/post-composition';
import { IMAGES_SIZING, ImagesStage, imagesSizingFor } from '../../examples/images/images-stage';
import { IMAGES_SYSTEM } from '../../examples/images/system';
import type { ComplianceReport } from '../../src/compliance';
import { expectCompliant } from '../support/compliance';

/**
 * The images stacks: behaviour, one snapshot per stack, compliance of every stack. The DEV-sized
 * stage is synthesized once, with the compliance packs; every assertion reads that assembly's
 * templates. A PROD-sized stage (no packs) shows what the sizing changes.
 */

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const GALLERY = 'gallery.example.com';
const { routes: ROUTES, buckets: BUCKETS } = IMAGES_SYSTEM;
const WORKER = 'Composes a hat onto a cat (sharp), writes results/<key>.png, records composition:<key>';
let stage: ImagesStage;
let report: ComplianceReport;
const templates: Record<string, Template> = {};

beforeAll(() => {
  const app = new App();
  stage = new ImagesStage(app, 'Images', { frontendCertificateArn: CERTIFICATE, frontendDomainName: GALLERY });
  report = expectCompliant(app);
  const assembly = stage.synth();
  for (const stack of stage.node.children.filter(Stack.isStack)) {
    templates[stack.node.id] = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  }
});

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The statements of every policy attached to the role of `functionLogicalId`. */
function roleStatements(template: Template, functionLogicalId: string): Statement[] {
  const fn = template.toJSON().Resources[functionLogicalId];
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))]
    .filter((p: any) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${role}"`))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function functionId(template: Template, description: string): string {
  const found = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }));
  expect(found).toHaveLength(1);
  return found[0];
}

const routeFunction = (route: { method: string; path: string }) => `${route.method} ${route.path} of images`;
const actionsOf = (statements: Statement[], prefix: string) => statements.flatMap((s) => [s.Action].flat())
  .filter((a) => a.startsWith(prefix)).sort();

describe('compliance', () => {
  test('every stack of the images app has zero unacknowledged findings', () => {
    expect(report.summary().map((s) => s.stack).sort()).toEqual([
      'Images/ImagesApi', 'Images/ImagesAssets', 'Images/ImagesData', 'Images/ImagesFrontend',
      'Images/ImagesMonitoring', 'Images/ImagesNetwork', 'Images/ImagesRecovery',
    ]);
  });
});

describe('ImagesNetwork stack', () => {
  const network = () => templates.ImagesNetwork;

  test('no NAT; an S3 gateway endpoint and an execute-api interface endpoint with private DNS', () => {
    network().resourceCountIs('AWS::EC2::NatGateway', 0);
    network().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    network().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.execute-api']] },
      PrivateDnsEnabled: true,
    });
    expect(network().toJSON()).toMatchSnapshot();
  });
});

describe('ImagesRecovery stack', () => {
  test('in the recovery region: a versioned, encrypted replica bucket for each of the two buckets and for the cache exports', () => {
    expect(stage.recovery.region).toBe('eu-central-1');
    const buckets = Object.values(templates.ImagesRecovery.findResources('AWS::S3::Bucket')).filter((b: any) => b.Properties.BucketName);
    expect(buckets).toHaveLength(3);
    for (const b of buckets as any[]) {
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
      expect(b.DeletionPolicy).toBe('Retain');
    }
    expect(templates.ImagesRecovery.toJSON()).toMatchSnapshot();
  });
});

describe('ImagesAssets stack', () => {
  const assets = () => templates.ImagesAssets;
  const dataBuckets = () => Object.values(assets().findResources('AWS::S3::Bucket')).filter((b: any) => b.Properties.ReplicationConfiguration) as any[];

  test('originals and results: private, KMS-encrypted, versioned, kept, replicated to the recovery region', () => {
    const buckets = dataBuckets();
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      expect(b.DeletionPolicy).toBe('Retain');
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      const destination = b.Properties.ReplicationConfiguration.Rules[0].Destination;
      expect(JSON.stringify(destination.Bucket)).toContain('eu-central-1');
      expect(JSON.stringify(destination.EncryptionConfiguration.ReplicaKmsKeyID)).toContain('eu-central-1');
    }
  });

  test('noncurrent originals expire after 30 days; only the originals accept a browser\'s POST, from the gallery\'s pages only', () => {
    const originals = dataBuckets().filter((b) => b.Properties.CorsConfiguration);
    expect(originals).toHaveLength(1);
    expect(originals[0].Properties.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: BUCKETS.originals.noncurrentVersionExpirationDays }, Status: 'Enabled' }),
    ]));
    expect(originals[0].Properties.CorsConfiguration.CorsRules).toEqual([expect.objectContaining({ AllowedMethods: ['POST'], AllowedOrigins: [`https://${GALLERY}`] })]);
  });

  test('without a front end no page may post uploads: the originals bucket has no CORS rule', () => {
    const bare = new ImagesStage(new App(), 'Bare');
    const buckets = Object.values(Template.fromStack(bare.assets).findResources('AWS::S3::Bucket')) as any[];
    expect(buckets.filter((b) => b.Properties.CorsConfiguration)).toEqual([]);
  });

  test('one distribution with a WAF: /originals/* and /results/* go to their buckets through Origin Access Control, GET and HEAD only', () => {
    const [distribution] = Object.values(assets().findResources('AWS::CloudFront::Distribution')) as any[];
    const config = distribution.Properties.DistributionConfig;
    expect(config.WebACLId).toBeDefined();
    const behaviors = config.CacheBehaviors as any[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([`/${BUCKETS.originals.prefix}/*`, `/${BUCKETS.results.prefix}/*`]);
    for (const b of behaviors) {
      expect(b.AllowedMethods.sort()).toEqual(['GET', 'HEAD']);
      const origin = config.Origins.find((o: any) => o.Id === b.TargetOriginId);
      expect(origin.OriginAccessControlId).toBeDefined();
      expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    }
    expect(config.Origins).toHaveLength(3);
    // Each data bucket's policy lets this distribution (and only CloudFront) read its objects.
    const policies = Object.values(assets().findResources('AWS::S3::BucketPolicy')) as any[];
    const cloudFrontReads = policies.flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com' && s.Action === 's3:GetObject');
    expect(cloudFrontReads).toHaveLength(3);
  });

  test('the buckets\' keys decrypt for this distribution only, never for every distribution of the account', () => {
    const [distributionId] = Object.keys(assets().findResources('AWS::CloudFront::Distribution'));
    const keys = Object.values(assets().findResources('AWS::KMS::Key')) as any[];
    const cloudFrontDecrypts = keys.flatMap((k) => k.Properties.KeyPolicy.Statement)
      .filter((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    // The site's key and the two data buckets' keys.
    expect(cloudFrontDecrypts).toHaveLength(3);
    for (const s of cloudFrontDecrypts) expect(JSON.stringify(s.Condition)).toContain(`{"Ref":"${distributionId}"}`);
    expect(JSON.stringify(assets().toJSON())).not.toContain('distribution/*');
  });

  test('snapshot', () => {
    expect(assets().toJSON()).toMatchSnapshot();
  });
});

describe('ImagesData stack', () => {
  const data = () => templates.ImagesData;

  test('the FIFO compositions queue (deduplicated by the key the API sends) with a FIFO dead-letter queue after 5 receives', () => {
    const queues = data().toJSON().Resources;
    const queue = (q: { node: { defaultChild?: unknown } }) => queues[stage.data.getLogicalId(q.node.defaultChild as CfnElement)];
    const main = queue(stage.data.compositions.queue);
    expect(main.Properties).toEqual(expect.objectContaining({ FifoQueue: true, ContentBasedDeduplication: false }));
    expect(main.Properties.RedrivePolicy.maxReceiveCount).toBe(IMAGES_SYSTEM.queues.compositions.maxReceiveCount);
    // Six times the worker's timeout, as WorkQueue derives it from its consumer.
    expect(main.Properties.VisibilityTimeout).toBe(6 * IMAGES_SYSTEM.workers.compose.timeout.toSeconds());
    expect(queue(stage.data.compositions.deadLetterQueue).Properties.FifoQueue).toBe(true);
  });

  test('the cache is exported every 6 hours to a bucket replicated to the recovery stack\'s CacheExports, which ElastiCache there may seed from', () => {
    data().resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    data().hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    data().hasResourceProperties('AWS::S3::Bucket', { ReplicationConfiguration: Match.objectLike({ Rules: Match.anyValue() }) });
    expect(stage.data.cacheBackup.exports.destination).toEqual(stage.recovery.cacheExports.replicationDestination);
    templates.ImagesRecovery.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ElastiCacheSeedsFromExports' })]) },
    });
  });

  test('the images table with its byKind index; DEV\'s cache is one small node', () => {
    data().hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byKind', KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }] })],
    });
    data().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: IMAGES_SIZING.DEV.cache.cacheNodeType,
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      TransitEncryptionEnabled: true,
    });
    expect(data().toJSON()).toMatchSnapshot();
  });
});

describe('ImagesApi stack', () => {
  const api = () => templates.ImagesApi;

  test('a PRIVATE API on the network stack\'s execute-api endpoint; its policy denies every other way in', () => {
    const [rest] = Object.values(api().findResources('AWS::ApiGateway::RestApi')) as any[];
    expect(rest.Properties.EndpointConfiguration.Types).toEqual(['PRIVATE']);
    const endpoint = rest.Properties.EndpointConfiguration.VpcEndpointIds[0];
    expect(endpoint['Fn::ImportValue']).toMatch(/^Images-ImagesNetwork:/);
    expect(rest.Properties.Policy.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Action: 'execute-api:Invoke', Condition: { StringNotEquals: { 'aws:SourceVpce': endpoint } } }),
    ]));
  });

  test('every route needs an API key; the gallery\'s key (value in Secrets Manager) is in the stage\'s usage plan', () => {
    const methods = Object.values(api().findResources('AWS::ApiGateway::Method')).filter((m: any) => m.Properties.HttpMethod !== 'OPTIONS') as any[];
    expect(methods).toHaveLength(IMAGES_SYSTEM.routeList.length);
    for (const m of methods) expect(m.Properties.ApiKeyRequired).toBe(true);
    api().hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'images-v1-gallery', Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    api().resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    api().resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    api().resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  test('every function on arm64 in the VPC; the sharp layer (arm64) on the two that decode or compose', () => {
    const functions = Object.values(api().findResources('AWS::Lambda::Function')).filter((f: any) => f.Properties.Description?.endsWith(' of images') || f.Properties.Layers) as any[];
    expect(functions).toHaveLength(IMAGES_SYSTEM.routeList.length + 1);
    for (const f of functions) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.VpcConfig.SubnetIds.length).toBeGreaterThan(0);
    }
    const [layerId] = Object.keys(api().findResources('AWS::Lambda::LayerVersion', { Properties: { CompatibleArchitectures: ['arm64'] } }));
    const withLayer = functions.filter((f) => JSON.stringify(f.Properties.Layers ?? []).includes(layerId))
      .map((f) => f.Properties.Description).sort();
    expect(withLayer).toEqual([routeFunction(ROUTES.completeUpload), WORKER].sort());
    expect(IMAGES_SYSTEM.sharpFunctions).toEqual([ROUTES.completeUpload.handlerName, IMAGES_SYSTEM.workers.compose.handlerName]);
  });

  test('the worker: fed by the compositions queue in batches of 5 with partial failures, its timeout the lock\'s', () => {
    const worker = api().toJSON().Resources[functionId(api(), WORKER)];
    expect(worker.Properties.Timeout).toBe(IMAGES_SYSTEM.workers.compose.timeout.toSeconds());
    expect(worker.Properties.MemorySize).toBe(IMAGES_SYSTEM.workers.compose.memorySize);
    api().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: IMAGES_SYSTEM.workers.compose.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Images-ImagesData:.*CompositionsQueue') },
      ScalingConfig: { MaximumConcurrency: IMAGES_SIZING.DEV.worker.maxConcurrency },
    });
  });

  test('least privilege on the buckets: uploads put under originals/ only, the worker reads originals and writes results', () => {
    const s3 = (description: string) => roleStatements(api(), functionId(api(), description)).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const upload = s3(routeFunction(ROUTES.upload));
    expect(upload).toHaveLength(1);
    expect(upload[0].Action).toEqual('s3:PutObject');
    expect(JSON.stringify(upload[0].Resource)).toMatch(/Originals.*\/originals\/\*"/);
    const worker = s3(WORKER);
    expect(worker.map((s) => ({ actions: [s.Action].flat().sort(), resource: JSON.stringify(s.Resource).match(/(Originals|Results).*\/(\w+)\/\*"/)!.slice(1) }))).toEqual([
      { actions: ['s3:GetObject', 's3:GetObjectVersion'], resource: ['Originals', 'originals'] },
      { actions: ['s3:PutObject'], resource: ['Results', 'results'] },
    ]);
    expect(s3(routeFunction(ROUTES.listImages))).toEqual([]);
    expect(s3(routeFunction(ROUTES.compose))).toEqual([]);
  });

  test('only the routes that need them reach Redis and the queue', () => {
    const env = (description: string) => Object.keys(api().toJSON().Resources[functionId(api(), description)].Properties.Environment.Variables);
    const redisUsers = IMAGES_SYSTEM.routeList.filter((r) => env(routeFunction(r)).includes('REDIS_HOST')).map((r) => r.handlerName);
    expect(redisUsers).toEqual([ROUTES.compose.handlerName, ROUTES.compositionStatus.handlerName]);
    const queueUsers = IMAGES_SYSTEM.routeList.filter((r) => env(routeFunction(r)).includes(IMAGES_ENV.COMPOSITIONS_QUEUE_URL))
      .map((r) => r.handlerName);
    expect(queueUsers).toEqual([ROUTES.compose.handlerName]);
    const sqsSend = actionsOf(roleStatements(api(), functionId(api(), routeFunction(ROUTES.compose))), 'sqs:');
    expect(sqsSend).toContain('sqs:SendMessage');
    expect(actionsOf(roleStatements(api(), functionId(api(), routeFunction(ROUTES.compositionStatus))), 'sqs:')).toEqual([]);
    // The cache's security group admits the three Redis clients, by rules kept in this stack.
    const ingress = Object.values(api().findResources('AWS::EC2::SecurityGroupIngress')).filter((r: any) => r.Properties.FromPort === stage.data.cache.port);
    expect(ingress).toHaveLength(3);
  });

  test('snapshot', () => {
    expect(api().toJSON()).toMatchSnapshot();
  });
});

describe('ImagesFrontend stack', () => {
  const frontend = () => templates.ImagesFrontend;

  test('the gallery on Fargate behind an internet-facing HTTPS load balancer with a WAF', () => {
    frontend().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    frontend().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Certificates: [{ CertificateArn: CERTIFICATE }] });
    frontend().resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    frontend().hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health' });
  });

  test('its container: the node health check, the API and assets URLs, the API key from its secret', () => {
    const [task] = Object.values(frontend().findResources('AWS::ECS::TaskDefinition')) as any[];
    const container = task.Properties.ContainerDefinitions[0];
    expect(container.HealthCheck.Command).toEqual(['CMD', 'node', '/app/health-check.js']);
    expect(container.Environment.map((e: any) => e.Name).sort()).toEqual(['API_URL', 'ASSETS_BASE_URL', 'UPLOAD_ORIGIN']);
    expect(JSON.stringify(container.Environment.find((e: any) => e.Name === 'API_URL').Value)).toMatch(/Images-ImagesApi:/);
    expect(container.Secrets.map((s: any) => s.Name)).toEqual(['API_KEY']);
    expect(JSON.stringify(container.Secrets[0].ValueFrom)).toMatch(/ApiKeySecretgallery/);
  });

  test('DEV: zero tasks outside working hours, back at their start', () => {
    const [target] = Object.values(frontend().findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
    const actions = target.Properties.ScheduledActions as any[];
    const schedule = IMAGES_SIZING.DEV.frontend.schedule;
    expect(actions).toEqual(expect.arrayContaining([
      expect.objectContaining({ Schedule: `cron(0 ${schedule.stopHour} ? * ${schedule.weekDays} *)`, ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
      expect.objectContaining({ Schedule: `cron(0 ${schedule.startHour} ? * ${schedule.weekDays} *)`, ScalableTargetAction: { MinCapacity: IMAGES_SIZING.DEV.frontend.minCapacity, MaxCapacity: IMAGES_SIZING.DEV.frontend.maxCapacity } }),
    ]));
  });

  test('snapshot', () => {
    expect(frontend().toJSON()).toMatchSnapshot();
  });
});

describe('ImagesMonitoring stack', () => {
  const monitoring = () => templates.ImagesMonitoring;

  test('the dashboard shows the queue age, the composition duration p99 and the cache hit ratio from the handlers\' metrics', () => {
    const [dashboard] = Object.values(monitoring().findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('');
    for (const title of ['Cache hit ratio (%)', 'Composition duration p99 (ms)', 'Oldest queued composition (s)']) expect(body).toContain(title);
    for (const metric of [CACHE_METRICS.hit, CACHE_METRICS.miss, COMPOSITION_DURATION_METRIC, 'ApproximateAgeOfOldestMessage']) expect(body).toContain(`"${metric}"`);
    expect(body).toContain('"images"');
  });

  test('alarms on the cache hit ratio, the composition duration p99, the queue, CloudFront and the WAFs', () => {
    monitoring().hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: CACHE_METRICS.hit, Namespace: 'images' }) }) })]),
    });
    const [duration] = Object.values(monitoring().findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: Match.stringLikeRegexp('-CompositionDurationP99$') } })) as any[];
    expect(duration.Properties.Threshold).toBe(0.8 * IMAGES_SYSTEM.workers.compose.timeout.toMilliseconds());
    expect(duration.Properties.Metrics[0].MetricStat).toEqual(expect.objectContaining({
      Metric: { MetricName: COMPOSITION_DURATION_METRIC, Namespace: 'images', Dimensions: [{ Name: 'service', Value: 'images' }] }, Stat: 'p99',
    }));
    const alarms = JSON.stringify(monitoring().findResources('AWS::CloudWatch::Alarm'));
    for (const metric of ['ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible', '5xxErrorRate', 'BlockedRequests']) expect(alarms).toContain(metric);
  });

  test('snapshot', () => {
    expect(monitoring().toJSON()).toMatchSnapshot();
  });
});

describe('sizing', () => {
  test('PROD: the front end always on with more tasks, a Multi-AZ cache with replicas', () => {
    const prod = new ImagesStage(new App(), 'Prod', { sizing: imagesSizingFor('PROD'), frontendCertificateArn: CERTIFICATE, frontendDomainName: GALLERY });
    const frontend = Template.fromStack(prod.frontend!);
    const [target] = Object.values(frontend.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
    expect(target.Properties.ScheduledActions).toBeUndefined();
    const { minCapacity, maxCapacity } = IMAGES_SIZING.PROD.frontend;
    expect(target.Properties).toEqual(expect.objectContaining({ MinCapacity: minCapacity, MaxCapacity: maxCapacity }));
    Template.fromStack(prod.data).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: IMAGES_SIZING.PROD.cache.cacheNodeType,
      NumCacheClusters: 1 + IMAGES_SIZING.PROD.cache.replicas,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
  });

  test('an unknown environment name, a recovery region equal to the stage\'s and a certificate that is not an ACM ARN are refused, naming the prop', () => {
    expect(() => imagesSizingFor('QA')).toThrow(/environmentName: "QA"; allowed: DEV, UAT, PROD/);
    expect(() => new ImagesStage(new App(), 'Same', { env: { region: 'eu-west-3' }, recoveryRegion: 'eu-west-3' })).toThrow(/recoveryRegion: 'eu-west-3'; allowed: another region than the stage's/);
    expect(() => new ImagesStage(new App(), 'Bad', { frontendCertificateArn: 'gallery.example', frontendDomainName: GALLERY })).toThrow(/frontendCertificateArn: 'gallery.example'; allowed: the ARN of an ACM certificate/);
  });

  test('the gallery\'s name: a DNS name, given with the certificate and never without it', () => {
    expect(() => new ImagesStage(new App(), 'Url', { frontendCertificateArn: CERTIFICATE, frontendDomainName: 'https://gallery.example.com' }))
      .toThrow(/frontendDomainName: 'https:\/\/gallery.example.com'; allowed: a lower-case DNS name/);
    expect(() => new ImagesStage(new App(), 'NoName', { frontendCertificateArn: CERTIFICATE }))
      .toThrow(/frontendDomainName: not set; allowed: a name together with frontendCertificateArn/);
    expect(() => new ImagesStage(new App(), 'NoCertificate', { frontendDomainName: GALLERY }))
      .toThrow(/frontendDomainName: 'gallery.example.com'; allowed: a name together with frontendCertificateArn/);
  });

  test('without a certificate there is no front end; a stage in eu-central-1 replicates to eu-west-1', () => {
    const central = new ImagesStage(new App(), 'Central', { env: { region: 'eu-central-1' } });
    expect(central.frontend).toBeUndefined();
    expect(central.recoveryRegion).toBe('eu-west-1');
  });
});
