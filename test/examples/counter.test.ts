import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildCounterApp, CounterApp } from '../../examples/counter/counter-app';
import { CounterStage, CounterStageFactory } from '../../examples/counter/counter-stage';
import { DeliveryConfigValue, DeliveryEnvironment } from '../../src/pipeline';
import { complianceReport, expectReportCompliant } from '../support/compliance';

/** The counter app's stacks: behaviour, one snapshot per stack, compliance of every stack. */

const CDK_JSON = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/counter/cdk.json'), 'utf-8'));

function counterApp(): { app: App } & CounterApp {
  const app = new App({ context: CDK_JSON.context });
  return { app, ...buildCounterApp(app) };
}

/**
 * The app from cdk.json, built once and synthesized once, with the compliance packs: the stacks'
 * tests read that assembly's templates (the packs change no template), the compliance test its report.
 */
const counter = counterApp();
const report = complianceReport(counter.app);

/** The content of config.json as deployed by the site stack (a staged asset of the assembly). */
function deployedConfig(app: App): unknown[] {
  const outdir = app.synth().directory;
  const found: unknown[] = [];
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir)) {
      const full = path.join(dir, f);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (f === 'config.json') found.push(JSON.parse(fs.readFileSync(full, 'utf-8')));
    }
  };
  walk(outdir);
  return found;
}

describe('CounterApi stack', () => {
  const { stage } = counter;
  const template = Template.fromStack(stage.api);

  test('three functions on Node.js 24 / ARM64, one per route, with the table, start value and counter id (and the group authorizer)', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    for (const description of ['GET /counter of counter', 'POST /decrement of counter', 'PUT /reset of counter']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: description,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ COUNTER_TABLE: { Ref: Match.stringLikeRegexp('^Counter') }, COUNTER_START: '1000', COUNTER_ID: 'cameras' }) },
      });
    }
  });

  test('reading and selling are public; reset needs a staff sign-in: a staff pool token in the staff group, checked by the group authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'NONE' });
    const resources = template.toJSON().Resources as Record<string, any>;
    const reset = Object.values(resources).find((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'PUT')!;
    expect(reset.Properties.AuthorizationType).toBe('CUSTOM');
    expect(reset.Properties.ApiKeyRequired).toBe(false);
    const authorizer = resources[reset.Properties.AuthorizerId.Ref];
    expect(authorizer.Properties).toMatchObject({ Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization,context.httpMethod,context.resourcePath' });
    const authorizerFn = resources[authorizer.Properties.AuthorizerUri['Fn::Join'][1].find((p: any) => p['Fn::GetAtt'])['Fn::GetAtt'][0]];
    expect(JSON.parse(authorizerFn.Properties.Environment.Variables.RAMPART_ROUTE_RULES)).toEqual({ 'PUT /reset': { groups: ['staff'] } });
    // The pool whose tokens it takes: staff only (no self sign-up), TOTP MFA required, a staff group.
    const [poolId, pool] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Cognito::UserPool')!;
    expect(authorizerFn.Properties.Environment.Variables.RAMPART_USER_POOL_ID).toEqual({ Ref: poolId });
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'staff', UserPoolId: { Ref: poolId } });
    // No API key or usage plan any more.
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
    for (const part of ['counter', 'decrement', 'reset']) template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: part });
  });

  test('anonymous decrements are rate-limited per client: a WAF rate-based rule per IP on POST /decrement, 60 a minute, then 429', () => {
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as any;
    const rules = acl.Properties.Rules as any[];
    const rule = rules.find((r) => r.Name === 'DecrementsPerClient');
    expect(rule).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 429, ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }] } } },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: 60,
          EvaluationWindowSec: 60,
          ScopeDownStatement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'ENDS_WITH', SearchString: '/decrement' } },
        },
      },
    });
    // Priorities stay unique and in order, the per-IP rule of every request first.
    expect(rules.map((r) => r.Priority)).toEqual(rules.map((_, i) => i));
    expect(rules.findIndex((r) => r.Name === 'RateLimitPerIp')).toBeLessThan(rules.indexOf(rule));
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: Match.anyValue() });
  });

  test('the counter table keeps its data: one string key, PITR, deletion protection, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
        })],
      }),
    });
  });

  test('retried sales are recorded in an IdempotencyTable (key `id`, records expire) that only POST /decrement knows and may write', () => {
    const [tableId] = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      }),
    })).map(([id]) => id);
    expect(tableId).toMatch(/^IdempotencyRecords/);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const knowing = functions.filter((f) => f.Properties.Environment?.Variables?.COUNTER_IDEMPOTENCY_TABLE);
    expect(knowing.map((f) => f.Properties.Description)).toEqual(['POST /decrement of counter']);
    expect(knowing[0].Properties.Environment.Variables.COUNTER_IDEMPOTENCY_TABLE).toEqual({ Ref: tableId });
    // The grant names the four item actions Powertools' persistence layer calls on that table, nothing else.
    const onTable = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Resource).includes(tableId));
    expect(onTable.flatMap((st: any) => [st.Action].flat()).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  test('GET /counter may only read the table; decrement and reset may update it', () => {
    // TracedFunction puts each role's grants in one managed policy of its own.
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const actionsOf = (route: string) => Object.values(policies)
      .filter((p: any) => p.Properties.Description.includes(`/Api/${route}/Role`))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    const getActions = actionsOf('Route0');
    expect(getActions).toContain('dynamodb:GetItem');
    expect(getActions).not.toContain('dynamodb:UpdateItem');
    expect(getActions).not.toContain('dynamodb:PutItem');
    expect(actionsOf('Route1')).toContain('dynamodb:UpdateItem');
    expect(actionsOf('Route2')).toContain('dynamodb:UpdateItem');
    expect([...getActions, ...actionsOf('Route1'), ...actionsOf('Route2')]).not.toContain('dynamodb:Scan');
  });

  test('outputs the API URL, the staff pool and its sign-in client', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('StaffUserPoolId', { Value: { Ref: Match.stringLikeRegexp('^Staff') } });
    template.hasOutput('StaffClientId', { Value: { Ref: Match.stringLikeRegexp('^StaffStaffSignIn') } });
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('CounterSite stack', () => {
  const { app, stage } = counter;
  const template = Template.fromStack(stage.site);

  test('SecureSite with the built pages and a generated config.json (same-origin API base, start value)', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      Prune: true,
      DistributionPaths: ['/*'],
    });
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as any;
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployedConfig(app)).toContainEqual({ apiBaseUrl: '/v1', startValue: 1000 });
  });

  test('CloudFront forwards /v1/* to the API stage: no cache, every viewer header but Host, https only, the site\'s security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CacheBehaviors: [Match.objectLike({
          PathPattern: '/v1/*',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
          ViewerProtocolPolicy: 'https-only',
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^SiteHeaders') },
        })],
        Origins: Match.arrayWith([Match.objectLike({
          OriginPath: '',
          CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          DomainName: Match.objectLike({ 'Fn::Select': [2, Match.anyValue()] }),
        })]),
      }),
    });
  });

  test('the page runs under SecureSite\'s default Content-Security-Policy', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("^default-src 'self';"), Override: true },
        }),
      }),
    });
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('CounterStage', () => {
  test('a configured start value reaches the functions and config.json, with the environment name', () => {
    const app = new App();
    const stage = new CounterStage(app, 'Shop', { startValue: 25, environmentName: 'UAT' });
    Template.fromStack(stage.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COUNTER_START: '25' }) },
    });
    expect(deployedConfig(app)).toContainEqual({ apiBaseUrl: '/v1', startValue: 25, environment: 'UAT' });
  });

  test('the pipeline\'s stage factory makes a CounterStage in the environment\'s account, with its start value and name', () => {
    const app = new App();
    const environment = (config?: Record<string, DeliveryConfigValue>) => new DeliveryEnvironment({
      name: 'UAT', branch: 'uat', account: '333333333333', region: 'eu-west-1', requiresApproval: false, config,
    });
    const stage = new CounterStageFactory().createStage(app, 'UAT', environment({ [CounterStageFactory.START_VALUE]: DeliveryConfigValue.fromNumber(25) }));
    expect(stage).toBeInstanceOf(CounterStage);
    expect([stage.api.account, stage.api.region]).toEqual(['333333333333', 'eu-west-1']);
    Template.fromStack(stage.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COUNTER_START: '25' }) },
    });
    expect(deployedConfig(app)).toContainEqual({ apiBaseUrl: '/v1', startValue: 25, environment: 'UAT' });
    const domain = new CounterStageFactory().createStage(new App(), 'PROD', environment({
      [CounterStageFactory.SITE_DOMAIN_NAMES]: DeliveryConfigValue.fromString('counter.example.org, www.counter.example.org'),
      [CounterStageFactory.SITE_CERTIFICATE_ARN]: DeliveryConfigValue.fromString('arn:aws:acm:us-east-1:333333333333:certificate/00000000-0000-0000-0000-000000000033'),
    }));
    Template.fromStack(domain.site).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['counter.example.org', 'www.counter.example.org'], ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }) }),
    });
    // Without a configured start value, the stage's default.
    const plain = new CounterStageFactory().createStage(new App(), 'UAT', environment());
    Template.fromStack(plain.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COUNTER_START: '1000' }) },
    });
  });

  test.each([0, -5, 2.5])('startValue %p is refused, naming the prop', (startValue) => {
    expect(() => new CounterStage(new App(), 'Shop', { startValue })).toThrow(new RegExp(`startValue: ${startValue} is not allowed; use a whole number of at least 1`));
  });
});

describe('CounterPipeline stack', () => {
  const { pipeline } = counter;
  const template = Template.fromStack(pipeline);

  test('one pipeline per environment, DEV, UAT and PROD, each deploying its stage to its account', () => {
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 3);
    expect(pipeline.delivery.environments.map((e) => [e.name, e.branch, e.account, e.region, e.requiresApproval])).toEqual([
      ['DEV', 'dev', '222222222222', 'eu-west-1', false],
      ['UAT', 'uat', '333333333333', 'eu-west-1', false],
      ['PROD', 'main', '444444444444', 'eu-west-1', true],
    ]);
    expect(pipeline.delivery.stages.map((s) => s.node.path)).toEqual([
      'CounterPipeline/Delivery/DEV', 'CounterPipeline/Delivery/UAT', 'CounterPipeline/Delivery/PROD',
    ]);
    for (const s of pipeline.delivery.stages) {
      expect((s as CounterStage).api.account).toBe(pipeline.delivery.environments.find((e) => e.name === s.node.id)!.account);
    }
  });

  test('a manual approval precedes the PROD deployment only', () => {
    const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as any[];
    const approvals = pipelines.map((p) => p.Properties.Stages
      .flatMap((s: any) => s.Actions)
      .filter((a: any) => a.ActionTypeId.Category === 'Approval').length);
    expect(approvals.sort()).toEqual([0, 0, 1]);
    const prod = pipelines.find((p) => p.Properties.Stages.some((s: any) => s.Actions.some((a: any) => a.ActionTypeId.Category === 'Approval')));
    const names = prod.Properties.Stages.map((s: any) => s.Name);
    const approvalStage = names.findIndex((n: string) => prod.Properties.Stages.find((s: any) => s.Name === n).Actions.some((a: any) => a.ActionTypeId.Category === 'Approval'));
    const deployStage = names.findIndex((n: string) => /PROD/.test(n) && prod.Properties.Stages.find((s: any) => s.Name === n).Actions.some((a: any) => a.ActionTypeId.Category === 'Deploy'));
    expect(approvalStage).toBeGreaterThanOrEqual(0);
    expect(deployStage).toBeGreaterThanOrEqual(approvalStage);
  });

  test('the synth step builds, tests and synthesizes the counter app from examples/counter', () => {
    const specs = Object.values(template.findResources('AWS::CodeBuild::Project')).map((p: any) => JSON.stringify(p.Properties.Source.BuildSpec ?? ''));
    const synth = specs.filter((s) => s.includes('npx cdk synth'));
    expect(synth).toHaveLength(3);
    for (const s of synth) {
      expect(s).toContain('npx projen examples:build');
      expect(s).toContain('cd examples/counter && npx cdk synth');
      expect(s).toContain('examples/counter/cdk.out');
    }
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('PROD stage stacks (with an account and region)', () => {
  const { pipeline } = counter;
  const prod = pipeline.delivery.stages.find((s) => s.node.id === 'PROD') as CounterStage;

  test('API: invoke permissions name the source account', () => {
    Template.fromStack(prod.api).hasResourceProperties('AWS::Lambda::Permission', { SourceAccount: '444444444444' });
  });

  test('the card is served on PROD\'s custom domain from cdk.json with its certificate, SNI and TLSv1.2_2021; DEV keeps the default certificate', () => {
    const settings = CDK_JSON.context['counter:environments'].PROD;
    Template.fromStack(prod.site).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: settings.siteDomainNames,
        ViewerCertificate: { AcmCertificateArn: settings.siteCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    expect(prod.site.site.url).toBe(`https://${settings.siteDomainNames[0]}`);
    const dev = pipeline.delivery.stages.find((s) => s.node.id === 'DEV') as CounterStage;
    Template.fromStack(dev.site).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: Match.absent(), ViewerCertificate: Match.absent() }),
    });
  });

  test.each(['api', 'site'] as const)('%s snapshot', (which) => {
    expect(Template.fromStack(prod[which]).toJSON()).toMatchSnapshot();
  });
});

describe('compliance', () => {
  test('every stack of the counter app has zero unacknowledged findings', () => {
    const { app } = counter;
    expectReportCompliant(report, app.node.path);
    const stacks = report.summary().map((s) => s.stack).sort();
    expect(stacks).toEqual([
      'Counter/CounterApi', 'Counter/CounterMonitoring', 'Counter/CounterSite', 'CounterPipeline',
      ...['DEV', 'PROD', 'UAT'].flatMap((e) => ['CounterApi', 'CounterMonitoring', 'CounterSite'].map((s) => `CounterPipeline/Delivery/${e}/${s}`)),
    ]);
    expect(report.summary().every((s) => s.findings === 0)).toBe(true);
    expect(Stack.of(app.node.findChild('CounterPipeline')).stackName).toBe('CounterPipeline');
  });
});
