import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { passSignInPaths } from '../../examples/pass/pass-site-stack';
import { PassStage, PassStageProps } from '../../examples/pass/pass-stage';
import { PASS_ROUTES, THROTTLES } from '../../examples/pass/routes';
import { SecureSite } from '../../src/site';
import { complianceReport, expectReportCompliant } from '../support/compliance';

/**
 * The movement pass stacks: behaviour, one snapshot per stack, compliance of every stack. The stage
 * is synthesized once, with the compliance packs; the other tests read that assembly's templates.
 */

const app = new App();
const stage = new PassStage(app, 'Pass');
const report = complianceReport(app);
const api = Template.fromStack(stage.api);
const analytics = Template.fromStack(stage.analytics);
const site = Template.fromStack(stage.site);

/** A CloudFormation value as text: `${AWS::Region}`, `${Ref:Logical}`, `${Import:Export}`, joins inlined. */
function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return v.Ref.startsWith('AWS::') ? `\${${v.Ref}}` : `\${Ref:${v.Ref}}`;
  if (v['Fn::ImportValue']) return `\${Import:${v['Fn::ImportValue']}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(cfnText).join(v['Fn::Join'][0]);
  throw new Error(`cfnText: ${JSON.stringify(value)}`);
}

/** The `config.json` the site stack deploys, as the deployment writes it (its markers replaced by `cfnText`). */
function deployedConfig(appOf: App, siteStack: Stack): Record<string, string> {
  const deployment = Object.values(Template.fromStack(siteStack).findResources('Custom::CDKBucketDeployment'))[0] as any;
  const dir = appOf.synth().directory;
  const keys = deployment.Properties.SourceObjectKeys as string[];
  const i = keys.findIndex((k) => fs.existsSync(path.join(dir, `asset.${k.replace(/\.zip$/, '')}`, 'config.json')));
  expect(i).toBeGreaterThanOrEqual(0);
  let text = fs.readFileSync(path.join(dir, `asset.${keys[i].replace(/\.zip$/, '')}`, 'config.json'), 'utf-8');
  for (const [marker, value] of Object.entries(deployment.Properties.SourceMarkers[i] as Record<string, unknown>)) {
    text = text.split(marker).join(cfnText(value));
  }
  return JSON.parse(text);
}

function connectSrc(siteStack: Stack): string[] {
  const policy = Object.values(Template.fromStack(siteStack).findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as any;
  const csp = cfnText(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
  const directive = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src '));
  return directive ? directive.split(/\s+/).slice(1) : [];
}

const SIGN_IN_URLS = ['/', '/dashboard.html', '/index.html', '/police.html', '/review.html']
  .map((p) => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteDistribution'), 'DomainName'] }, p]] }));

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
  });

  test('staff MFA is enforced by the pool: its pre-token-generation trigger gives staff groups only to users with TOTP, reading their MFA settings', () => {
    const resources = api.toJSON().Resources as Record<string, any>;
    const [poolId, pool] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Cognito::UserPool')!;
    // TOTP is the only second factor (no SMS): what the trigger checks for.
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    const triggerId = pool.Properties.LambdaConfig.PreTokenGeneration['Fn::GetAtt'][0];
    const trigger = resources[triggerId];
    expect(trigger.Type).toBe('AWS::Lambda::Function');
    expect(trigger.Properties.Description).toMatch(/staff groups only for users with TOTP MFA/);
    const roleId = trigger.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({ Action: 'cognito-idp:AdminGetUser', Effect: 'Allow', Resource: { 'Fn::GetAtt': [poolId, 'Arn'] } });
    api.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
  });

  test('a managed login domain whose prefix comes from the stage path and the account: the same on every synth, different per stage', () => {
    api.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', [Match.stringLikeRegexp('^movement-pass-[0-9a-f]{8}-$'), { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
      UserPoolId: { Ref: Match.stringLikeRegexp('^Citizens') },
    });
    const prefixOf = (stageId: string) => {
      const s = new PassStage(new App(), stageId, { env: { account: '123456789012', region: 'eu-west-2' } });
      const domain = Object.values(Template.fromStack(s.api).findResources('AWS::Cognito::UserPoolDomain'))[0] as any;
      return domain.Properties.Domain as string;
    };
    const prefix = prefixOf('Pass');
    expect(prefix).toMatch(/^movement-pass-[0-9a-f]{8}-123456789012$/);
    expect(prefix).not.toMatch(/aws|amazon|cognito/);
    expect(prefixOf('Pass')).toBe(prefix);
    expect(prefixOf('PassDev')).not.toBe(prefix);
    // The web app's client is the site stack's: the API stack has none.
    api.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  });

  test('a custom login domain with its us-east-1 certificate, and the alias target as an output', () => {
    const s = new PassStage(new App(), 'Pass', {
      loginDomainName: 'login.pass.example.gov',
      loginCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0c1f2e3d',
    });
    const t = Template.fromStack(s.api);
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'login.pass.example.gov',
      CustomDomainConfig: { CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0c1f2e3d' },
      ManagedLoginVersion: 2,
    });
    t.hasOutput('LoginDomainCloudFront', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CitizensLogin'), 'CloudFrontDistribution'] } });
    expect(connectSrc(s.site)).toContain('https://login.pass.example.gov');
  });

  test('login domain settings are validated, every problem in one error', () => {
    const make = (props: PassStageProps) => () => new PassStage(new App(), 'Pass', props);
    expect(make({ loginDomainPrefix: 'Pass_Login' })).toThrow(/loginDomainPrefix: "Pass_Login"; allowed: 1-63 lowercase/);
    expect(make({ loginDomainPrefix: '-pass' })).toThrow(/loginDomainPrefix: "-pass"/);
    expect(make({ loginDomainPrefix: 'x'.repeat(64) })).toThrow(/loginDomainPrefix: "x{64}"/);
    expect(make({ loginDomainPrefix: 'my-aws-pass' })).toThrow(/loginDomainPrefix: "my-aws-pass" contains aws/);
    expect(make({ loginDomainPrefix: 'pass', loginDomainName: 'login.example.gov', loginCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }))
      .toThrow(/loginDomainPrefix: "pass" with loginDomainName "login.example.gov"; allowed: one of the two/);
    expect(make({ loginDomainName: 'login.example.gov' })).toThrow(/loginCertificateArn: undefined with loginDomainName/);
    expect(make({ loginCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' })).toThrow(/loginCertificateArn: .* without loginDomainName/);
    expect(make({ loginDomainName: 'login.example.gov', loginCertificateArn: 'arn:aws:acm:eu-west-2:123456789012:certificate/x' }))
      .toThrow(/loginCertificateArn: .*eu-west-2.*; allowed: an ACM certificate ARN in us-east-1/);
    expect(make({ loginDomainPrefix: 'Bad', loginCertificateArn: 'arn:x' })).toThrow(/loginDomainPrefix: "Bad"[\s\S]*loginCertificateArn: "arn:x" without/);
    expect(make({ loginDomainPrefix: 'movement-pass-gov' })).not.toThrow();
  });

  test('every route but GET /keys and GET /health needs a Cognito sign-in; staff routes pass the group authorizer, and carry their groups to the function', () => {
    const methods = api.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: Match.not('OPTIONS') } });
    const types = Object.values(methods).map((m: any) => m.Properties.AuthorizationType);
    const staffRoutes = PASS_ROUTES.filter((r) => r.requiredGroups?.length);
    expect(staffRoutes).toHaveLength(5);
    expect(types.filter((t) => t === 'COGNITO_USER_POOLS')).toHaveLength(PASS_ROUTES.length - 2 - staffRoutes.length);
    expect(types.filter((t) => t === 'CUSTOM')).toHaveLength(staffRoutes.length);
    expect(types.filter((t) => t === 'NONE')).toHaveLength(2);
    const rules = Object.values(api.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('group routes') } }))
      .map((f: any) => JSON.parse(f.Properties.Environment.Variables.RAMPART_ROUTE_RULES));
    expect(rules).toEqual([Object.fromEntries(staffRoutes.map((r) => [`${r.method} ${r.path}`, { groups: r.requiredGroups }]))]);
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

  test('the approval queue (a WorkQueue): KMS-encrypted, TLS only, retained, redrive to its DLQ after 5 receives; the worker reads it in batches with partial failures and a concurrency cap', () => {
    api.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: {
        KmsMasterKeyId: Match.anyValue(),
        VisibilityTimeout: 180,
        MessageRetentionPeriod: 4 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
      },
    });
    api.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: { KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 14 * 24 * 3600, RedrivePolicy: Match.absent() },
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

  test('the rules are data (an SSM JSON parameter the worker may read); the signing key is a Secrets Manager secret the signers may read', () => {
    api.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Value: JSON.stringify(DEFAULT_RULES) });
    api.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    api.hasOutput('SigningKeySecretArn', { Value: { Ref: Match.stringLikeRegexp('^SigningKey') } });
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Decides queued pass applications by the approval rules',
      Environment: {
        Variables: Match.objectLike({ PASS_RULES_PARAM: Match.anyValue(), PASS_SIGNING_KEY_SECRET: Match.anyValue(), PASS_TABLE: Match.anyValue() }),
      },
    });
  });

  test('key isolation: only the signers can read the signing secret and its KMS key; GET /keys and POST /verify read the public keys parameter only', () => {
    const resources = api.toJSON().Resources as Record<string, any>;
    const [secretId, secret] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')!;
    const secretKeyId = secret.Properties.KmsKeyId['Fn::GetAtt'][0] as string;
    const [publicKeysId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SSM::Parameter' && /public signing keys/.test(r.Properties.Description))!;
    /** Every IAM statement of the role of the function described so. */
    const roleOf = (description: string): string => {
      const fns = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === description);
      expect(fns).toHaveLength(1);
      return fns[0].Properties.Role['Fn::GetAtt'][0];
    };
    const statementsOf = (description: string): any[] => {
      const roleId = roleOf(description);
      return Object.values(resources)
        .filter((r) => ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type) && JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`))
        .flatMap((r) => r.Properties.PolicyDocument.Statement);
    };
    const touches = (statements: any[], id: string) => statements.filter((st) => JSON.stringify(st.Resource).includes(`"${id}"`));
    const actions = (statements: any[]) => statements.flatMap((st) => [st.Action].flat());

    const signers = ['POST /passes/{passId}/decision of movement-pass', 'Decides queued pass applications by the approval rules'];
    // The secret's key lets roles decrypt through its key policy: the signers' roles and no others.
    const keyPolicyRoles = resources[secretKeyId].Properties.KeyPolicy.Statement
      .map((st: any) => st.Principal?.AWS?.['Fn::GetAtt']?.[0]).filter(Boolean).sort();
    expect(keyPolicyRoles).toEqual(signers.map(roleOf).sort());
    for (const signer of signers) {
      const statements = statementsOf(signer);
      expect(actions(touches(statements, secretId))).toContain('secretsmanager:GetSecretValue');
      expect(actions(touches(statements, publicKeysId))).toEqual(expect.arrayContaining(['ssm:GetParameter', 'ssm:PutParameter']));
    }
    for (const reader of ['GET /keys of movement-pass', 'POST /verify of movement-pass']) {
      const statements = statementsOf(reader);
      expect(touches(statements, secretId)).toEqual([]);
      expect(touches(statements, secretKeyId)).toEqual([]);
      expect(keyPolicyRoles).not.toContain(roleOf(reader));
      expect(actions(statements).filter((a) => /^secretsmanager:|^\*$/.test(a))).toEqual([]);
      expect(actions(touches(statements, publicKeysId))).toContain('ssm:GetParameter');
      expect(actions(touches(statements, publicKeysId))).not.toContain('ssm:PutParameter');
    }
    // No other function may read the secret either.
    const readers = Object.values(resources)
      .filter((r) => ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type))
      .filter((r) => touches(r.Properties.PolicyDocument.Statement, secretId).length > 0);
    expect(readers).toHaveLength(2);
  });

  test('GET /health is public, throttled on its own, and may only read the table', () => {
    const resources = api.toJSON().Resources as Record<string, any>;
    const fnEntry = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'GET /health of movement-pass');
    expect(fnEntry).toBeDefined();
    const roleId = fnEntry![1].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r) => ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type) && JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    const dynamoActions = statements.flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('dynamodb:'));
    expect(dynamoActions).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
    expect(dynamoActions.filter((a: string) => /Put|Update|Delete|Write|\*$/.test(a))).toEqual([]);
    const healthResource = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === 'health')![0];
    api.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE', ResourceId: { Ref: healthResource } });
    const stageResource = Object.values(api.findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stageResource.Properties.MethodSettings).toEqual(expect.arrayContaining([
      expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/~1health', ThrottlingRateLimit: THROTTLES.health.rateLimit }),
    ]));
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

  test('the pages\' app client: public, authorization code with PKCE only, openid/email/profile, back to each page that signs in', () => {
    expect(passSignInPaths()).toEqual(['/', '/dashboard.html', '/index.html', '/police.html', '/review.html']);
    site.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    site.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Pass-PassApi:.*Citizens') },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: SIGN_IN_URLS,
      LogoutURLs: SIGN_IN_URLS,
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AuthSessionValidity: 5,
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    site.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: Match.stringLikeRegexp('^WebClient') },
      UseCognitoProvidedValues: true,
    });
  });

  test('config.json names exactly what the pages read to sign in: region, pool, client and managed login domain', () => {
    const config = deployedConfig(app, stage.site);
    expect(config).toEqual({
      apiBaseUrl: '/v1',
      region: '${AWS::Region}',
      userPoolId: expect.stringMatching(/^\$\{Import:Pass-PassApi:ExportsOutputRefCitizens[0-9A-F]+\}$/),
      userPoolClientId: expect.stringMatching(/^\$\{Ref:WebClient[0-9A-F]+\}$/),
      cognitoDomain: expect.stringMatching(/^\$\{Import:Pass-PassApi:ExportsOutputRefCitizensLogin[0-9A-F]+\}\.auth\.\$\{AWS::Region\}\.amazoncognito\.com$/),
    });
  });

  test('config.json with an account and region: the concrete managed login host', () => {
    const a = new App();
    const s = new PassStage(a, 'Pass', { env: { account: '123456789012', region: 'eu-west-2' } });
    const config = deployedConfig(a, s.site);
    expect(config.region).toBe('eu-west-2');
    expect(config.cognitoDomain).toMatch(/^\$\{Import:.*CitizensLogin.*\}\.auth\.eu-west-2\.amazoncognito\.com$/);
    expect(connectSrc(s.site)).toEqual(["'self'", config.cognitoDomain.replace(/^/, 'https://'), 'https://cognito-idp.eu-west-2.amazonaws.com']);
  });

  test('the Content-Security-Policy is SecureSite\'s default plus connect-src for the login domain and the pool\'s OpenID endpoint', () => {
    const policy = Object.values(site.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as any;
    const csp = cfnText(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp.startsWith(SecureSite.DEFAULT_CONTENT_SECURITY_POLICY)).toBe(true);
    expect(connectSrc(stage.site)).toEqual([
      "'self'",
      expect.stringMatching(/^https:\/\/\$\{Import:Pass-PassApi:ExportsOutputRefCitizensLogin[0-9A-F]+\}\.auth\.\$\{AWS::Region\}\.amazoncognito\.com$/),
      'https://cognito-idp.${AWS::Region}.amazonaws.com',
    ]);
  });

  test('snapshot', () => {
    expect(site.toJSON()).toMatchSnapshot();
  });
});

describe('compliance', () => {
  test('every stack of the pass app has zero unacknowledged findings', () => {
    expectReportCompliant(report, app.node.path);
    expect(report.summary().map((s) => s.stack).sort()).toEqual(['Pass/PassAnalytics', 'Pass/PassApi', 'Pass/PassMonitoring', 'Pass/PassSite']);
  });
});
