import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PassActiveStage } from '../../examples/pass/pass-active-stage';
import { PassAnalyticsStack } from '../../examples/pass/pass-analytics-stack';
import { PassApiStack } from '../../examples/pass/pass-api-stack';
import { PassStage } from '../../examples/pass/pass-stage';
import { expectCompliant } from '../support/compliance';

/**
 * The two-region pass stage (docs/active-active.md): per region its archive, backend and
 * monitoring, the table a global table of the first region with its replica in the second, every
 * function told the regions. Synthesized once (templates first, then the compliance packs).
 */

const REGIONS = ['ap-south-1', 'ap-southeast-1'];
let app: App;
let stage: PassActiveStage;
let primary: Template;
let secondary: Template;

beforeAll(() => {
  app = new App();
  stage = new PassActiveStage(app, 'PassActive', { account: '123456789012', regions: REGIONS });
  primary = Template.fromStack(stage.regions[0].api);
  secondary = Template.fromStack(stage.regions[1].api);
}, 300_000);

/** Every function of a template with its environment. */
function functions(t: Template): any[] {
  return Object.values(t.findResources('AWS::Lambda::Function'));
}

test('a backend, an event archive and monitoring in each region, in that region; one site', () => {
  for (const [i, region] of REGIONS.entries()) {
    const r = stage.regions[i];
    expect([r.api.region, r.analytics.region, r.monitoring.region]).toEqual([region, region, region]);
    const t = i === 0 ? primary : secondary;
    t.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    t.resourceCountIs('AWS::Cognito::UserPool', 1);
    t.resourceCountIs('AWS::SQS::Queue', 3);
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
    Template.fromStack(r.analytics).resourceCountIs('AWS::Kinesis::Stream', 1);
    // Both stream mappings (stream consumer, outbox) read this region's stream.
    expect(Object.keys(t.findResources('AWS::Lambda::EventSourceMapping', { Properties: { StartingPosition: 'TRIM_HORIZON' } }))).toHaveLength(2);
  }
  expect(stage.site.region).toBe('ap-south-1');
  expect(stage.node.children.filter((c) => c.node.id.startsWith('Pass')).map((c) => c.node.id).sort()).toEqual([
    'PassAnalytics-ap-south-1', 'PassAnalytics-ap-southeast-1', 'PassApi-ap-south-1', 'PassApi-ap-southeast-1',
    'PassMonitoring-ap-south-1', 'PassMonitoring-ap-southeast-1', 'PassSite',
  ]);
});

test('the table is a global table of the first region with its replica in the second, under one fixed name; the second region uses that replica', () => {
  const tables = Object.values(primary.findResources('AWS::DynamoDB::GlobalTable')) as any[];
  expect(tables).toHaveLength(1);
  const name = tables[0].Properties.TableName;
  expect(name).toMatch(/^movement-pass-[0-9a-f]{8}$/);
  expect(tables[0].Properties.Replicas.map((r: any) => r.Region).sort()).toEqual(REGIONS);
  secondary.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  secondary.resourceCountIs('AWS::DynamoDB::Table', 0);
  // The replica's stream ARN, read at deploy time, feeds both stream mappings of the second region.
  const lookups = Object.entries(secondary.findResources('Custom::AWS')) as [string, any][];
  expect(lookups).toHaveLength(1);
  expect(JSON.stringify(lookups[0][1].Properties.Create)).toContain(`\\"TableName\\":\\"${name}\\"`);
  for (const mapping of Object.values(secondary.findResources('AWS::Lambda::EventSourceMapping', { Properties: { StartingPosition: 'TRIM_HORIZON' } })) as any[]) {
    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': [lookups[0][0], 'Table.LatestStreamArn'] });
  }
  // Its functions are granted that replica, by name, in their own region.
  const granted = [...Object.values(secondary.findResources('AWS::IAM::Policy')), ...Object.values(secondary.findResources('AWS::IAM::ManagedPolicy'))]
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((st: any) => [st.Action].flat().includes('dynamodb:PutItem'));
  expect(granted.length).toBeGreaterThan(0);
  for (const st of granted) expect(JSON.stringify(st.Resource)).toContain(`:dynamodb:ap-southeast-1:123456789012:table/${name}`);
  // The second region follows the first: its replica exists once the first's stack created it.
  expect(stage.regions[1].api.dependencies).toContain(stage.regions[0].api);
});

test('every function of both backends knows the regions (PASS_REGIONS, the registry first)', () => {
  for (const t of [primary, secondary]) {
    const ours = functions(t).filter((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'movement-pass');
    expect(ours.length).toBeGreaterThanOrEqual(16);
    for (const f of ours) expect(f.Properties.Environment.Variables.PASS_REGIONS).toBe(REGIONS.join(','));
  }
  // The single-region stage sets none.
  const single = Template.fromStack(new PassStage(new App(), 'Single').api);
  for (const f of functions(single)) expect(f.Properties.Environment?.Variables?.PASS_REGIONS).toBeUndefined();
});

test('each region pages on its own replication lag: the first region\'s monitoring alarms on ReplicationLatency to the second', () => {
  const monitoring = Template.fromStack(stage.regions[0].monitoring);
  monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLatency', Dimensions: Match.arrayWith([{ Name: 'ReceivingRegion', Value: 'ap-southeast-1' }]) });
});

test('invalid regions fail at synth, naming the prop', () => {
  expect(() => new PassActiveStage(new App(), 'One', { regions: ['ap-south-1'] })).toThrow(/regions: \["ap-south-1"\]; allowed: two or more/);
  expect(() => new PassActiveStage(new App(), 'Twice', { regions: ['ap-south-1', 'ap-south-1'] })).toThrow(/each region once/);
  expect(() => new PassActiveStage(new App(), 'Bad', { regions: ['ap-south-1', 'Mumbai'] })).toThrow(/literal region names/);
});

test('the backend\'s region settings fail at synth, every problem in one error naming the prop', () => {
  const make = (props: Record<string, unknown>) => () => {
    const a = new App();
    const analytics = new PassAnalyticsStack(a, 'Analytics', { env: { region: 'ap-south-1' } });
    new PassApiStack(a, 'Api', { env: { region: 'ap-south-1' }, eventStream: analytics.archive.stream, ...props });
  };
  expect(make({ serviceRegions: ['eu-west-1', 'eu-west-2'], replicaRegions: ['eu-west-2'] })).toThrow(/serviceRegions: \["eu-west-1","eu-west-2"\]; allowed: regions that include this stack's region ap-south-1/);
  expect(make({ serviceRegions: ['ap-south-1', 'ap-southeast-1'] })).toThrow(/replicaRegions: \[\]; allowed: every other region of serviceRegions \(missing ap-southeast-1\)/);
  expect(make({ serviceRegions: ['ap-south-1', 'ap-southeast-1'], replicaOfTable: 't', replicaRegions: ['ap-southeast-1'] })).toThrow(/replicaOfTable: "t" with replicaRegions/);
  expect(make({ replicaOfTable: 't' })).toThrow(/replicaOfTable: "t" without serviceRegions/);
});

test('snapshots: one per stack of both regions', () => {
  for (const r of stage.regions) {
    expect(Template.fromStack(r.api).toJSON()).toMatchSnapshot(`PassApi-${r.region}`);
    expect(Template.fromStack(r.analytics).toJSON()).toMatchSnapshot(`PassAnalytics-${r.region}`);
    expect(Template.fromStack(r.monitoring).toJSON()).toMatchSnapshot(`PassMonitoring-${r.region}`);
  }
  expect(Template.fromStack(stage.site).toJSON()).toMatchSnapshot('PassSite');
});

test('every stack of both regions passes every compliance pack', () => {
  const report = expectCompliant(app);
  expect(report.summary().map((s) => s.stack).sort()).toEqual([
    'PassActive/PassAnalytics-ap-south-1', 'PassActive/PassAnalytics-ap-southeast-1', 'PassActive/PassApi-ap-south-1', 'PassActive/PassApi-ap-southeast-1',
    'PassActive/PassMonitoring-ap-south-1', 'PassActive/PassMonitoring-ap-southeast-1', 'PassActive/PassSite',
  ]);
}, 600_000);
