import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { SecureSite, SecureSiteProps } from '../../src/site';
import { expectCompliant } from '../support/compliance';

const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };
const EU_WEST_1 = { account: '123456789012', region: 'eu-west-1' };
const CONTENT = path.join(__dirname, 'fixtures', 'web');
const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

function site(props: SecureSiteProps = {}, env?: { account: string; region: string }) {
  const app = new App();
  const stack = new Stack(app, 'Web', { env });
  const construct = new SecureSite(stack, 'Site', props);
  return { app, stack, site: construct, template: Template.fromStack(stack) };
}

function zone(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
}

describe('SecureSite defaults', () => {
  const { template, site: s, stack } = site();

  test('content bucket: KMS-encrypted, versioned, TLS-only, all public access blocked, old versions expire, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })] },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^SiteLogs') }, LogFilePrefix: 's3/' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SiteBucket') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: 'Encrypts the content of Web/Site' }, DeletionPolicy: 'Retain' });
  });

  test('log bucket: object writer ownership as CloudFront logging needs, SSE-S3, TLS-only, logs expire after a year', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SiteLogs') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('CloudFront: Origin Access Control (no OAI), HTTPS redirect, HTTP/2 and 3, compression, IPv6, PriceClass_100, access logs, WAF attached', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } })],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^SiteHeaders') },
        }),
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: 'PriceClass_100',
        DefaultRootObject: 'index.html',
        Logging: { Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteLogs'), 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteWafEdge'), 'Arn'] },
        CustomErrorResponses: Match.absent(),
        Aliases: Match.absent(),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } })]) },
    });
  });

  test('response headers: HSTS, nosniff, frame DENY, strict referrer, the default CSP', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
          ContentSecurityPolicy: { ContentSecurityPolicy: SecureSite.DEFAULT_CONTENT_SECURITY_POLICY, Override: true },
        },
      },
    });
  });

  test('WAF from an environment-agnostic stack: the EdgeWebAcl custom resource with the default rules', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('Custom::EdgeWebAcl', {
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
      ]),
    });
    expect(s.webAcl?.edgeWebAcl).toBeDefined();
  });

  test('no content deployment, no DNS records, no certificate', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(stack.resolve(s.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^SiteDistribution/), 'DomainName'] }]] });
  });

  test('no certificate-only TLS settings on the default certificate, so CDK warns of nothing ignored', () => {
    const viewer = template.findResources('AWS::CloudFront::Distribution');
    expect(Object.values(viewer).map((d: any) => d.Properties.DistributionConfig.ViewerCertificate)).toEqual([undefined]);
    const ignored = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^Ignoring'));
    expect(ignored.map((w) => String(w.entry.data))).toEqual([]);
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('SecureSite options', () => {
  test('stack in us-east-1: a plain CLOUDFRONT WebACL attached by its ARN', () => {
    const { template } = site({}, US_EAST_1);
    template.resourceCountIs('Custom::EdgeWebAcl', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteWafWebAcl'), 'Arn'] } },
    });
  });

  test('stack in another region: the EdgeWebAcl custom resource', () => {
    const { template } = site({}, EU_WEST_1);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('Custom::EdgeWebAcl', 1);
  });

  test('WAF rule settings reach the WebACL', () => {
    const { template } = site({ waf: { rateLimit: 100, geoDenyList: ['KP'], ipDenyList: ['198.51.100.0/24'], managedRuleGroups: ['AWSManagedRulesSQLiRuleSet'] } }, US_EAST_1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [
        Match.objectLike({ Name: 'IpDenyList' }),
        Match.objectLike({ Name: 'GeoDenyList', Statement: { GeoMatchStatement: { CountryCodes: ['KP'] } } }),
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: Match.objectLike({ Limit: 100 }) } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesSQLiRuleSet' } } }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT', Addresses: ['198.51.100.0/24'] });
  });

  test('webAclArn: the given WebACL is attached and none is created', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared/abcd-1234';
    const { template, site: s } = site({ webAclArn: arn });
    template.resourceCountIs('Custom::EdgeWebAcl', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { WebACLId: arn } });
    expect(s.webAcl).toBeUndefined();
  });

  test('waf.logRetention: the WAF logs are kept as long as it says, the content upload\'s logs as logRetention says', () => {
    const { template } = site({ waf: { logRetention: logs.RetentionDays.THREE_MONTHS }, logRetention: logs.RetentionDays.ONE_YEAR }, US_EAST_1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 90 });
  });

  test('wafEnabled false: no WebACL at all', () => {
    const { template } = site({ wafEnabled: false });
    template.resourceCountIs('Custom::EdgeWebAcl', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { WebACLId: Match.absent() } });
  });

  test('SPA mode: 403 and 404 answer /index.html with 200', () => {
    const { template } = site({ spa: true });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
        ],
      },
    });
  });

  test('price class, CSP, version and log expiry, removal policy are configurable', () => {
    const { template } = site({
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      contentSecurityPolicy: "default-src 'self' https://api.example.com",
      noncurrentVersionExpiration: Duration.days(30),
      accessLogRetention: Duration.days(90),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { PriceClass: 'PriceClass_All' } });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self' https://api.example.com" } } },
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] } },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] } });
  });

  test('custom domain in us-east-1 with a hosted zone: DNS-validated certificate, aliases, TLSv1.2_2021, SNI, A and AAAA records', () => {
    const app = new App();
    const stack = new Stack(app, 'Web', { env: US_EAST_1 });
    const s = new SecureSite(stack, 'Site', { domainNames: ['www.example.com', 'example.com'], hostedZone: zone(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'www.example.com',
      SubjectAlternativeNames: ['example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.arrayWith([{ DomainName: 'www.example.com', HostedZoneId: 'Z0123456789ABC' }]),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['www.example.com', 'example.com'],
        ViewerCertificate: { AcmCertificateArn: { Ref: Match.stringLikeRegexp('^SiteCertificate') }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      },
    });
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Type: type, Name: 'www.example.com.', HostedZoneId: 'Z0123456789ABC', AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }) });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Type: type, Name: 'example.com.' });
    }
    expect(s.url).toBe('https://www.example.com');
  });

  test('custom domain with a given certificate and no zone: no records, the certificate is used', () => {
    const app = new App();
    const stack = new Stack(app, 'Web');
    new SecureSite(stack, 'Site', { domainNames: ['www.example.com'], certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { ViewerCertificate: Match.objectLike({ AcmCertificateArn: CERT_ARN }) } });
  });

  test('custom domain from eu-west-1: the certificate is created in a us-east-1 companion stack and referenced across regions', () => {
    const app = new App();
    const stack = new Stack(app, 'Web', { env: EU_WEST_1, crossRegionReferences: true });
    new SecureSite(stack, 'Site', { domainNames: ['www.example.com'], hostedZone: zone(stack) });
    const certStack = app.node.children.find((c) => c !== stack && Stack.isStack(c)) as Stack;
    expect(certStack.region).toBe('us-east-1');
    Template.fromStack(certStack).hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'www.example.com', ValidationMethod: 'DNS' });
    Template.fromStack(stack).resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(stack.dependencies).toContain(certStack);
    Template.fromStack(stack).hasResourceProperties('AWS::Route53::RecordSet', { Type: 'AAAA', Name: 'www.example.com.' });
  });

  test('contentPath: uploads the folder and invalidates the cache, with a traced handler and an encrypted log group', () => {
    const { template } = site({ contentPath: CONTENT });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^SiteBucket') },
      DistributionId: { Ref: Match.stringLikeRegexp('^SiteDistribution') },
      DistributionPaths: ['/*'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      TracingConfig: { Mode: 'Active' },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteContentDeploymentRole'), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^SiteContentDeploymentLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteContentDeploymentLogKey'), 'Arn'] } });
  });
});

describe('SecureSite validation', () => {
  // The callback's `env = undefined` default keeps it at three declared parameters: jest would take a fourth for `done`.
  const certIn = (region: string) => (stack: Stack) => acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN.replace('us-east-1', region));
  test.each<[string, SecureSiteProps | ((stack: Stack) => SecureSiteProps), RegExp, { account: string; region: string }?]>([
    ['rate limit below WAF minimum', { waf: { rateLimit: 9 } }, /waf\.rateLimit: 9 is outside WAF's range; allowed: an integer from 10 to 2000000000/],
    ['rate limit above WAF maximum', { waf: { rateLimit: 3_000_000_000 } }, /waf\.rateLimit: 3000000000/],
    ['empty CSP', { contentSecurityPolicy: '  ' }, /contentSecurityPolicy: '  ' is empty; allowed: a policy/],
    ['CSP with a line break', { contentSecurityPolicy: "default-src 'self';\nimg-src *" }, /contentSecurityPolicy: .* contains a line break; allowed: one line/],
    ['domain without certificate or zone', { domainNames: ['www.example.com'] }, /domainNames: \["www.example.com"\] given without certificate or hostedZone; allowed/],
    ['bad domain name', (st) => ({ domainNames: ['WWW.Example.com'], certificate: certIn('us-east-1')(st) }), /domainNames: \["WWW.Example.com"\] are not domain names/],
    ['certificate outside us-east-1', (st) => ({ domainNames: ['www.example.com'], certificate: certIn('eu-west-1')(st) }), /certificate: '.*' is in eu-west-1; allowed: a certificate in us-east-1/],
    ['certificate without domain names', (st) => ({ certificate: certIn('us-east-1')(st) }), /certificate: '.*' given without domainNames; allowed/],
    ['zone without domain names', (st) => ({ hostedZone: zone(st) }), /hostedZone: 'Web\/Zone' given without domainNames; allowed/],
    ['zone in an environment-agnostic stack', (st) => ({ domainNames: ['www.example.com'], hostedZone: zone(st) }), /certificate: not set but the stack is environment-agnostic .*; allowed: a us-east-1 certificate/],
    ['zone in eu-west-1 without cross-region references', (st) => ({ domainNames: ['www.example.com'], hostedZone: zone(st) }),
      /certificate: not set but the stack is in eu-west-1, .* allowed: create the stack with crossRegionReferences: true/, EU_WEST_1],
    ['REGIONAL webAclArn', { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/abcd' }, /webAclArn: '.*' has scope REGIONAL in eu-west-1; allowed: a CLOUDFRONT-scope WebACL/],
    ['webAclArn that is not an ARN', { webAclArn: 'my-acl' }, /webAclArn: 'my-acl' is not a WAFv2 WebACL ARN/],
    ['webAclArn with waf settings', { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b', waf: { rateLimit: 100, geoDenyList: ['KP'] } },
      /waf: \{"rateLimit":100,"geoDenyList":\["KP"\]\} given with webAclArn; allowed: waf settings only when the construct creates its WebACL/],
    ['wafEnabled false with waf settings', { wafEnabled: false, waf: { ipDenyList: ['10.0.0.0/8'] } }, /waf: .* given with wafEnabled false; allowed: waf settings only with wafEnabled true/],
    ['webAclArn with wafEnabled false', { wafEnabled: false, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' },
      /webAclArn, wafEnabled: webAclArn given with wafEnabled false; allowed: one of them/],
    ['WAF log retention forever', { waf: { logRetention: logs.RetentionDays.INFINITE } }, /waf\.logRetention: 9999 keeps logs forever/],
    ['log retention forever', { logRetention: logs.RetentionDays.INFINITE }, /logRetention: 9999 keeps logs forever; allowed: a logs.RetentionDays value with a limit/],
    ['log retention of 0', { logRetention: 0 as logs.RetentionDays }, /logRetention: 0 keeps logs forever; allowed/],
    ['access log retention of 0 days', { accessLogRetention: Duration.days(0) }, /accessLogRetention: 0 days; allowed: a whole number of days, at least 1/],
    ['noncurrent expiry in hours', { noncurrentVersionExpiration: Duration.hours(12) }, /noncurrentVersionExpiration: 12 hours; allowed: a whole number of days/],
    ['default root object with a slash', { defaultRootObject: '/index.html' }, /defaultRootObject: '\/index.html'; allowed/],
    ['geo allow and deny together', { waf: { geoAllowList: ['GB'], geoDenyList: ['FR'] } }, /waf\.geoAllowList, geoDenyList: both given/],
    ['a managed rule group that does not exist', { waf: { managedRuleGroups: ['NotARealGroup'] } }, /waf\.managedRuleGroups: \["NotARealGroup"\] are not AWS managed rule groups; allowed: AWS managed rule group names: AWSManagedRulesCommonRuleSet/],
    ['a country code that does not exist', { waf: { geoDenyList: ['XX'] } }, /waf\.geoDenyList: \["XX"\] are not country codes; allowed: ISO 3166-1 alpha-2 codes/],
    ['a domain name outside the hosted zone', (st) => ({ domainNames: ['www.example.com', 'www.example.org'], hostedZone: zone(st) }),
      /domainNames: \["www.example.org"\] are outside the hostedZone 'example.com'; allowed: names in the hostedZone 'example.com'/, US_EAST_1],
    ['a domain name given twice', (st) => ({ domainNames: ['www.example.com', 'www.example.com'], certificate: certIn('us-east-1')(st) }), /domainNames: \["www.example.com"\] appear more than once/],
    ['a content folder that does not exist', { contentPath: path.join(__dirname, 'fixtures', 'no-such-build') },
      /contentPath: '.*no-such-build' does not exist \(resolved to .*\); allowed: a folder holding the built site/],
    ['a content path that is a plain file', { contentPath: __filename }, /contentPath: '.*secure-site.test.ts' is a file; allowed: a folder/],
  ])('%s', (_, props, message, env = undefined) => {
    const stack = new Stack(new App(), 'Web', { env });
    const resolved = typeof props === 'function' ? props(stack) : props;
    expect(() => new SecureSite(stack, 'Site', resolved)).toThrow(message);
  });

  test('a zone created in the same eu-west-1 stack cannot validate the us-east-1 certificate', () => {
    const stack = new Stack(new App(), 'Web', { env: EU_WEST_1, crossRegionReferences: true });
    const created = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    expect(() => new SecureSite(stack, 'Site', { domainNames: ['www.example.com'], hostedZone: created })).toThrow(/hostedZone: 'Web\/Zone' is created in this stack and cannot validate a certificate in the us-east-1 stack/);
  });

  test('every problem is reported at once, each naming its prop', () => {
    expect(() => site({ waf: { rateLimit: 1 }, contentSecurityPolicy: '', domainNames: ['www.example.com'] }))
      .toThrow(/SecureSite 'Web\/Site' has invalid props:\n  - contentSecurityPolicy: '' is empty.*\n  - waf\.rateLimit: 1 .*\n  - domainNames: \["www.example.com"\] given without/s);
  });
});

describe('SecureSite compliance', () => {
  test('default props pass every pack; the acknowledgements are the ones documented', () => {
    const { stack } = site();
    const report = expectCompliant(stack);
    expect(report.acknowledgements.length).toBeGreaterThan(0);
    for (const a of report.acknowledgements) expect(a.reason.length).toBeGreaterThan(40);
    expect(report.acknowledgements.map((a) => a.ruleId)).toEqual(expect.arrayContaining(['AwsSolutions-CFR4', 'cloudfront_origin_failover_enabled_check']));
    // Fixed rather than acknowledged: grants in managed policies, log grants on the log groups' own ARNs.
    const ids = report.acknowledgements.map((a) => a.ruleId);
    expect(ids.filter((id) => /IAMNoInlinePolicy|log-stream/.test(id))).toEqual([]);
  });

  test('a custom domain in us-east-1 passes without the default-certificate acknowledgements', () => {
    const app = new App();
    const stack = new Stack(app, 'Web', { env: US_EAST_1 });
    new SecureSite(stack, 'Site', { domainNames: ['www.example.com'], hostedZone: zone(stack), spa: true });
    const report = expectCompliant(stack);
    const ids = report.acknowledgements.map((a) => a.ruleId);
    for (const id of ['AwsSolutions-CFR4', 'cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check', 'cloudfront_security_policy_check']) {
      expect(ids).not.toContain(id);
    }
  });

  test('with content deployment it passes every pack', () => {
    const { stack } = site({ contentPath: CONTENT });
    const report = expectCompliant(stack);
    expect(report.acknowledgements.map((a) => a.ruleId)).toEqual(expect.arrayContaining(['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']));
  });
});
