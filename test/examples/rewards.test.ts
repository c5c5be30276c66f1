import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TRANSACTION_QUERIES, USER_QUERIES } from '../../examples/rewards/analytics';
import { REWARDS_ENV } from '../../examples/rewards/domain/settings';
import { RewardsStage } from '../../examples/rewards/rewards-stage';
import { rewardsSignInPaths } from '../../examples/rewards/rewards-web-stack';
import { REWARDS_SYSTEM } from '../../examples/rewards/system';
import type { ComplianceReport } from '../../src/compliance';
import { expectCompliant } from '../support/compliance';

/**
 * The rewards stacks: behaviour, one snapshot per stack, compliance of every stack. The app is
 * synthesized once, with the compliance packs; every assertion reads that assembly's templates.
 */

const USERS_CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
let stage: RewardsStage;
let report: ComplianceReport;
const templates: Record<string, Template> = {};

beforeAll(() => {
  const app = new App();
  stage = new RewardsStage(app, 'Rewards', { usersCertificateArn: USERS_CERTIFICATE });
  report = expectCompliant(app);
  const assembly = stage.synth();
  for (const stack of stage.node.children.filter(Stack.isStack)) {
    templates[stack.node.id] = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  }
});

describe('compliance', () => {
  test('every stack of the rewards app has zero unacknowledged findings', () => {
    expect(report.summary().map((s) => s.stack).sort()).toEqual(['Rewards/RewardsAnalytics', 'Rewards/RewardsApi', 'Rewards/RewardsCatalogs', 'Rewards/RewardsMonitoring', 'Rewards/RewardsUsers', 'Rewards/RewardsWeb']);
  });
});

describe('RewardsApi stack', () => {
  const api = () => templates.RewardsApi;

  test('one function per route; sign-up is public, every other route checked by the group authorizer', () => {
    for (const route of REWARDS_SYSTEM.routeList) {
      api().hasResourceProperties('AWS::Lambda::Function', { Description: `${route.method} ${route.path} of rewards`, Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
    const methods = Object.values(api().findResources('AWS::ApiGateway::Method')).filter((m: any) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(REWARDS_SYSTEM.routeList.length);
    const types = (methods as any[]).map((m) => m.Properties.AuthorizationType).sort();
    expect(types).toEqual([...Array(REWARDS_SYSTEM.routeList.length - 1).fill('CUSTOM'), 'NONE']);
  });

  test('a group per kind of user and admins; no self sign-up; MFA required', () => {
    for (const group of [...REWARDS_SYSTEM.userKinds, REWARDS_SYSTEM.adminGroup]) api().hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    api().hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
  });

  test('eight tables kept on delete; the transactions and accounts tables stream new images to their forwarders; codes expire', () => {
    api().resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    api().resourceCountIs('AWS::DynamoDB::GlobalTable', 8);
    for (const t of Object.values(api().findResources('AWS::DynamoDB::GlobalTable'))) expect(t.DeletionPolicy).toBe('Retain');
    api().hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    api().hasResourceProperties('AWS::DynamoDB::GlobalTable', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    api().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test('positions expire after an hour in a locations table without a stream (never archived), found by cell', () => {
    const tables = Object.values(api().findResources('AWS::DynamoDB::GlobalTable')) as any[];
    const locations = tables.filter((t) => t.Properties.GlobalSecondaryIndexes?.some((i: any) => i.IndexName === 'byCell'));
    expect(locations).toHaveLength(1);
    expect(locations[0].Properties.StreamSpecification).toBeUndefined();
    expect(locations[0].Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(tables.filter((t) => t.Properties.StreamSpecification)).toHaveLength(2);
  });

  test('the tracker\'s position events go to the location-events worker; only POST /locations sends positions, to this tracker', () => {
    const post = `${REWARDS_SYSTEM.routes.trackLocation.method} ${REWARDS_SYSTEM.routes.trackLocation.path} of rewards`;
    const functions = api().findResources('AWS::Lambda::Function');
    const [postId] = Object.entries(functions).find(([, f]: [string, any]) => f.Properties.Description === post)!;
    const [trackerId] = Object.keys(api().findResources('AWS::Location::Tracker'));
    expect(functions[postId].Properties.Environment.Variables[REWARDS_ENV.TRACKER_NAME]).toEqual({ Ref: trackerId });
    api().hasResourceProperties('AWS::Location::Tracker', { EventBridgeEnabled: true, PositionFiltering: 'AccuracyBased' });
    api().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.geo'], 'detail-type': ['Location Device Position Event'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationEventsFunction'), 'Arn'] } })],
    });
    const policies = [...Object.values(api().findResources('AWS::IAM::Policy')), ...Object.values(api().findResources('AWS::IAM::ManagedPolicy'))] as any[];
    const senders = policies.filter((p) => p.Properties.PolicyDocument.Statement.some((s: any) => [s.Action].flat().includes('geo:BatchUpdateDevicePosition')));
    expect(senders).toHaveLength(1);
    expect(senders[0].Properties.Roles).toEqual([{ Ref: functions[postId].Properties.Role['Fn::GetAtt'][0] }]);
  });

  test('only the routes that sign or check encounter codes read the code key', () => {
    const readers = Object.values(api().findResources('AWS::Lambda::Function'))
      .filter((f: any) => f.Properties.Environment?.Variables?.[REWARDS_SYSTEM.codeKeyEnv])
      .map((f: any) => f.Properties.Description).sort();
    expect(readers).toEqual([`${REWARDS_SYSTEM.routes.transact.method} ${REWARDS_SYSTEM.routes.transact.path} of rewards`, `${REWARDS_SYSTEM.routes.encounterCode.method} ${REWARDS_SYSTEM.routes.encounterCode.path} of rewards`].sort());
  });

  test('the catalog import runs on a schedule; sign-up may create users in the pool and put them in groups, nothing more', () => {
    api().hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: `rate(${REWARDS_SYSTEM.catalogImportHours} hours)` });
    const policies = [...Object.values(api().findResources('AWS::IAM::Policy')), ...Object.values(api().findResources('AWS::IAM::ManagedPolicy'))] as any[];
    const cognitoActions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('cognito-idp:'));
    expect([...new Set(cognitoActions)].sort()).toEqual(['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser']);
  });

  test('the catalog upload route may put objects under catalogs/ of the catalog bucket and encrypt them, nothing else on S3', () => {
    const route = REWARDS_SYSTEM.routes.catalogUpload;
    const [logicalId, upload] = Object.entries(api().findResources('AWS::Lambda::Function', { Properties: { Description: `${route.method} ${route.path} of rewards` } }))[0] as [string, any];
    expect(Object.keys(upload.Properties.Environment.Variables)).toContain(REWARDS_ENV.CATALOG_BUCKET);
    const role = upload.Properties.Role['Fn::GetAtt'][0];
    const statements = [...Object.values(api().findResources('AWS::IAM::Policy')), ...Object.values(api().findResources('AWS::IAM::ManagedPolicy'))]
      .filter((p: any) => JSON.stringify(p.Properties.Roles ?? []).includes(role))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const s3 = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(s3[0].Action).toBe('s3:PutObject');
    expect(JSON.stringify(s3[0].Resource)).toMatch(/\/catalogs\/\*"/);
    expect(statements.some((s: any) => s.Action === 'kms:GenerateDataKey')).toBe(true);
    expect(logicalId).toMatch(/^ApiRoute/);
  });

  test('snapshot', () => {
    expect(api().toJSON()).toMatchSnapshot();
  });
});

describe('RewardsCatalogs stack', () => {
  test('a SecureSite (bucket kept on delete, behind CloudFront) with nothing deployed; snapshot', () => {
    const catalogs = templates.RewardsCatalogs;
    catalogs.resourceCountIs('AWS::CloudFront::Distribution', 1);
    catalogs.resourceCountIs('Custom::CDKBucketDeployment', 0);
    const buckets = Object.values(catalogs.findResources('AWS::S3::Bucket'));
    for (const b of buckets) expect(b.DeletionPolicy).toBe('Retain');
    expect(catalogs.toJSON()).toMatchSnapshot();
  });

  test('a browser may send the merchant page\'s presigned PUT (the one signed header) to the bucket, nothing else cross-origin', () => {
    const withCors = Object.values(templates.RewardsCatalogs.findResources('AWS::S3::Bucket')).filter((b: any) => b.Properties.CorsConfiguration);
    expect(withCors).toHaveLength(1);
    expect(withCors[0].Properties.CorsConfiguration.CorsRules).toEqual([{ AllowedMethods: ['PUT'], AllowedOrigins: ['*'], AllowedHeaders: ['content-type'], MaxAge: 600 }]);
  });
});

describe('RewardsAnalytics stack', () => {
  test('the transactions and users archives with their saved queries', () => {
    const analytics = templates.RewardsAnalytics;
    analytics.resourceCountIs('AWS::Kinesis::Stream', 2);
    analytics.resourceCountIs('AWS::Athena::NamedQuery', TRANSACTION_QUERIES.length + USER_QUERIES.length);
    for (const q of [...TRANSACTION_QUERIES, ...USER_QUERIES]) analytics.hasResourceProperties('AWS::Athena::NamedQuery', { Name: q.name });
    expect(analytics.toJSON()).toMatchSnapshot();
  });
});

describe('RewardsMonitoring stack', () => {
  test('the dashboard shows encounters, the other transactions and balance updates per minute, and the lag of every stream', () => {
    const dashboards = Object.values(templates.RewardsMonitoring.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body is a Fn::Join of strings and references: its string parts are the dashboard's JSON.
    const body = (dashboards[0].Properties.DashboardBody['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('');
    for (const title of ['Encounters per minute', 'Other transactions per minute', 'Balance updates per minute', 'Stream lag (maximum, ms)']) expect(body).toContain(title);
    for (const metric of ['Encounters', 'Donations', 'Giveaways', 'Exchanges', 'BalanceUpdates', 'IteratorAge', 'GetRecords.IteratorAgeMilliseconds']) {
      expect(body).toContain(`"${metric}"`);
    }
  });

  test('snapshot', () => {
    expect(templates.RewardsMonitoring.toJSON()).toMatchSnapshot();
  });
});

describe('RewardsUsers stack', () => {
  const users = () => templates.RewardsUsers;

  test('the service behind an internal load balancer, reading both streams, logging in to the proxy with IAM; migrations on deploy; no NAT', () => {
    users().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    users().resourceCountIs('AWS::EC2::NatGateway', 0);
    users().resourceCountIs('AWS::RDS::DBProxy', 1);
    users().resourceCountIs('Custom::DatabaseMigrations', 1);
    const env = Object.values(users().findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0].Environment.map((e: any) => e.Name).sort();
    expect(env).toEqual(['PGAUTH', 'PGDATABASE', 'PGHOST', 'PGPORT', 'PGSSL', 'PGUSER', 'REWARDS_TRANSACTIONS_STREAM', 'REWARDS_USERS_STREAM']);
    const actions = Object.values(users().findResources('AWS::IAM::ManagedPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['rds-db:connect', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards']));
    expect(users().toJSON()).toMatchSnapshot();
  });

  test('a certificate that is not an ACM ARN is refused, naming the prop', () => {
    expect(() => new RewardsStage(new App(), 'Bad', { usersCertificateArn: 'users.example' })).toThrow(/usersCertificateArn: "users.example"; allowed: the ARN of an ACM certificate/);
  });
});

describe('RewardsWeb stack', () => {
  const web = () => templates.RewardsWeb;

  test('the pages on SecureSite, the API below /v1/ uncached and the catalogs below /catalogs/ on the same origin', () => {
    const [distribution] = Object.values(web().findResources('AWS::CloudFront::Distribution')) as any[];
    const behaviors = distribution.Properties.DistributionConfig.CacheBehaviors as any[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/catalogs/*', `/${REWARDS_SYSTEM.stageName}/*`]);
    const api = behaviors.find((b) => b.PathPattern === `/${REWARDS_SYSTEM.stageName}/*`);
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    expect(api.AllowedMethods).toContain('POST');
    expect(behaviors.find((b) => b.PathPattern === '/catalogs/*').AllowedMethods.sort()).toEqual(['GET', 'HEAD']);
  });

  test('the CSP allows no inline script or style and adds only the sign-in and upload origins to connect-src', () => {
    const [policy] = Object.values(web().findResources('AWS::CloudFront::ResponseHeadersPolicy')) as any[];
    const csp = JSON.stringify(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/connect-src 'self' https:\/\/.*amazoncognito\.com/);
  });

  test('a public client with code flow back to each page, and a managed login domain', () => {
    web().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.anyValue() })]),
    });
    const [client] = Object.values(web().findResources('AWS::Cognito::UserPoolClient')) as any[];
    expect(client.Properties.CallbackURLs).toHaveLength(rewardsSignInPaths().length);
    expect(rewardsSignInPaths()).toEqual(['/', '/admin.html', '/index.html', '/merchant.html', '/officer.html']);
    web().hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
  });

  test('snapshot', () => {
    expect(web().toJSON()).toMatchSnapshot();
  });
});
