import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { PassStage } from '../../examples/pass/pass-stage';
import { PASS_ROUTES, THROTTLES } from '../../examples/pass/routes';
import { expectCompliant } from '../support/compliance';

/** The movement pass stacks: behaviour, one snapshot per stack, compliance of every stack. */

const stage = new PassStage(new App(), 'Pass');
const api = Template.fromStack(stage.api);
const analytics = Template.fromStack(stage.analytics);
const site = Template.fromStack(stage.site);

describe('PassApi stack', () => {
  test('a Cognito pool citizens sign up to themselves, with threat protection, a strong password policy and the three staff groups', () => {
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      DeletionProtection: 'ACTIVE',
    });
    for (const group of ['reviewer', 'police', 'admin']) api.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) });
  });

  test('every route but GET /keys needs a Cognito sign-in; staff routes carry their groups to the function', () => {
    const methods = api.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: Match.not('OPTIONS') } });
    const types = Object.values(methods).map((m: any) => m.Properties.AuthorizationType);
    expect(types.filter((t) => t === 'COGNITO_USER_POOLS')).toHaveLength(PASS_ROUTES.length - 1);
    expect(types.filter((t) => t === 'NONE')).toHaveLength(1);
    for (const [description, groups] of [
      ['POST /verify of movement-pass', 'police'],
      ['POST /passes/{passId}/decision of movement-pass', 'reviewer'],
      ['POST /passes/{passId}/revoke of movement-pass', 'reviewer,admin'],
      ['GET /stats of movement-pass', 'admin'],
      ['GET /review-queue of movement-pass', 'reviewer'],
    ]) {
      api.hasResourceProperties('AWS::Lambda::Function', {
        Description: description,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: Match.objectLike({ RAMPART_REQUIRED_GROUPS: groups }) },
      });
    }
  });

  test('per-route throttles sum to 9,000 requests per second, inside the account quota of 10,000; throttled callers get 429 with Retry-After', () => {
    const stageResource = Object.values(api.findResources('AWS::ApiGateway::Stage'))[0] as any;
    const settings = stageResource.Properties.MethodSettings as { HttpMethod: string; ResourcePath: string; ThrottlingRateLimit: number }[];
    const perRoute = settings.filter((s) => s.ResourcePath !== '/*');
    expect(perRoute).toHaveLength(PASS_ROUTES.length);
    expect(perRoute.reduce((sum, s) => sum + s.ThrottlingRateLimit, 0)).toBe(9000);
    expect(settings).toEqual(expect.arrayContaining([
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1passes', ThrottlingRateLimit: THROTTLES.apply.rateLimit }),
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1verify', ThrottlingRateLimit: THROTTLES.verify.rateLimit }),
    ]));
    api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED', StatusCode: '429', ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'" },
    });
  });

  test('the pass table: pk/sk, both indexes, a NEW_AND_OLD_IMAGES stream, TTL, PITR, deletion protection, retained', () => {
    api.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'byOwner', KeySchema: [{ AttributeName: 'ownerPk', KeyType: 'HASH' }, { AttributeName: 'ownerSk', KeyType: 'RANGE' }] }),
          Match.objectLike({ IndexName: 'reviewQueue', KeySchema: [{ AttributeName: 'reviewPk', KeyType: 'HASH' }, { AttributeName: 'reviewSk', KeyType: 'RANGE' }] }),
        ],
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
        })],
      }),
    });
  });

  test('the approval queue: KMS-encrypted, TLS only, redrive to its DLQ after 5 receives; the worker reads it in batches with partial failures and a concurrency cap', () => {
    api.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsDlq'), 'Arn'] }, maxReceiveCount: 5 },
    });
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 50 },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Approvals'), 'Arn'] },
    });
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamFailures'), 'Arn'] } } },
    });
  });

  test('the rules are data (an SSM JSON parameter the worker may read); the signing key is a Secrets Manager secret the signing routes may read', () => {
    api.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Value: JSON.stringify(DEFAULT_RULES) });
    api.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Decides queued pass applications by the approval rules',
      Environment: {
        Variables: Match.objectLike({ PASS_RULES_PARAM: Match.anyValue(), PASS_SIGNING_KEY_SECRET: Match.anyValue(), PASS_TABLE: Match.anyValue() }),
      },
    });
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'POST /verify of movement-pass',
      Environment: { Variables: Match.objectLike({ PASS_SIGNING_KEY_SECRET: Match.anyValue() }) },
    });
  });

  test('the stream consumer writes to the archive stream of the analytics stack', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Pass table stream: daily counters and the event archive',
      Environment: { Variables: Match.objectLike({ PASS_EVENTS_STREAM: { 'Fn::ImportValue': Match.stringLikeRegexp('PassAnalytics') } }) },
    });
  });

  test('snapshot', () => {
    expect(api.toJSON()).toMatchSnapshot();
  });
});

describe('PassAnalytics stack', () => {
  test('the archive with the four saved queries: passes by status, reason, day and district', () => {
    analytics.resourceCountIs('AWS::Kinesis::Stream', 1);
    analytics.hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Name: 'pass_events' }) });
    const glueTable = Object.values(analytics.findResources('AWS::Glue::Table'))[0];
    for (const name of ['passes-by-status', 'passes-by-reason', 'passes-by-day', 'passes-by-district']) {
      analytics.hasResourceProperties('AWS::Athena::NamedQuery', { Name: name, Database: 'movement_pass', QueryString: Match.stringLikeRegexp('FROM') });
    }
    const columns = glueTable.Properties.TableInput.StorageDescriptor.Columns.map((c: any) => c.Name);
    expect(columns).toEqual(expect.arrayContaining(['event_id', 'event_type', 'status', 'reason', 'from_district', 'count_day']));
    expect(columns.some((c: string) => /name|national|address|phone/.test(c))).toBe(false);
  });

  test('snapshot', () => {
    expect(analytics.toJSON()).toMatchSnapshot();
  });
});

describe('PassSite stack', () => {
  test('the API behind CloudFront: /v1/* uncached, /v1/keys cached at the edge', () => {
    const dist = Object.values(site.findResources('AWS::CloudFront::Distribution'))[0] as any;
    const behaviours = dist.Properties.DistributionConfig.CacheBehaviors as { PathPattern: string; CachePolicyId: unknown }[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual(['/v1/keys', '/v1/*']);
    site.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: Match.objectLike({ DefaultTTL: 3600, MaxTTL: 86400 }) });
    expect(behaviours[1].CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
  });

  test('snapshot', () => {
    expect(site.toJSON()).toMatchSnapshot();
  });
});

describe('compliance', () => {
  test('every stack of the pass app has zero unacknowledged findings', () => {
    const app = new App();
    new PassStage(app, 'Pass');
    const report = expectCompliant(app);
    expect(report.summary().map((s) => s.stack).sort()).toEqual(['Pass/PassAnalytics', 'Pass/PassApi', 'Pass/PassSite']);
  });
});
