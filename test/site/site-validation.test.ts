import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { PropsError } from '../../src/private/validation';
import { SecureSiteProps } from '../../src/site';
import { ResolvedSiteProps, validateSecureSiteProps } from '../../src/site/private/site-validation';

const RESOLVED: ResolvedSiteProps = {
  csp: "default-src 'self'",
  domainNames: [],
  noncurrentVersionExpiration: Duration.days(30),
  accessLogRetention: Duration.days(90),
  logRetention: logs.RetentionDays.ONE_YEAR,
  wafEnabled: true,
  defaultRootObject: 'index.html',
};
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

function problems(props: SecureSiteProps = {}, resolved: Partial<ResolvedSiteProps> = {}, stack = new Stack(new App(), 'S', { env: US_EAST_1 })): string[] {
  try {
    validateSecureSiteProps(stack, props, { ...RESOLVED, ...resolved });
    return [];
  } catch (e) {
    if (!(e instanceof PropsError)) throw e;
    expect(e.message).toMatch(/^SecureSite/);
    return e.problems.map((p) => p.prop);
  }
}

describe('validateSecureSiteProps', () => {
  test('the defaults pass', () => {
    expect(problems()).toEqual([]);
  });

  test('content security policy: not empty, one line', () => {
    expect(problems({}, { csp: '  ' })).toEqual(['contentSecurityPolicy']);
    expect(problems({}, { csp: "default-src 'self';\nimg-src *" })).toEqual(['contentSecurityPolicy']);
  });

  test('default root object, durations in whole days, a log retention that ends', () => {
    expect(problems({}, { defaultRootObject: '/index.html' })).toEqual(['defaultRootObject']);
    expect(problems({}, { defaultRootObject: '' })).toEqual(['defaultRootObject']);
    expect(problems({}, { noncurrentVersionExpiration: Duration.hours(36), accessLogRetention: Duration.hours(1) }))
      .toEqual(['noncurrentVersionExpiration', 'accessLogRetention']);
    expect(problems({}, { logRetention: logs.RetentionDays.INFINITE })).toEqual(['logRetention']);
  });

  test('content path: an existing folder or a .zip', () => {
    expect(problems({ contentPath: path.join(__dirname, 'fixtures', 'web') })).toEqual([]);
    expect(problems({ contentPath: path.join(__dirname, 'fixtures', 'missing') })).toEqual(['contentPath']);
    expect(problems({ contentPath: __filename })).toEqual(['contentPath']);
  });

  test('WAF: webAclArn only with wafEnabled, a CLOUDFRONT-scope ARN, no waf settings beside it', () => {
    const global = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0000-1111';
    expect(problems({ webAclArn: global })).toEqual([]);
    expect(problems({ webAclArn: global }, { wafEnabled: false })).toEqual(['webAclArn, wafEnabled']);
    expect(problems({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/site/0000-1111' })).toEqual(['webAclArn']);
    expect(problems({ webAclArn: 'not-an-arn' })).toEqual(['webAclArn']);
    expect(problems({ webAclArn: global, waf: { rateLimit: 500 } })).toEqual(['waf']);
    expect(problems({ waf: { geoDenyList: ['XX'] } })).toEqual(['waf.geoDenyList']);
  });

  test('domains: need a certificate or a zone, valid and distinct names, in the zone', () => {
    const stack = new Stack(new App(), 'S', { env: US_EAST_1 });
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', CERT);
    expect(problems({ hostedZone: zone }, { domainNames: ['www.example.com', 'example.com'] }, stack)).toEqual([]);
    expect(problems({}, { domainNames: ['www.example.com'] }, stack)).toEqual(['domainNames']);
    expect(problems({ certificate }, {}, stack)).toEqual(['certificate']);
    expect(problems({ hostedZone: zone }, {}, stack)).toEqual(['hostedZone']);
    expect(problems({ certificate }, { domainNames: ['WWW.example.com', 'a.example.com', 'a.example.com'] }, stack)).toEqual(['domainNames', 'domainNames']);
    expect(problems({ hostedZone: zone }, { domainNames: ['www.example.org'] }, stack)).toEqual(['domainNames']);
  });

  test('a given certificate must be in us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: US_EAST_1 });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    expect(problems({ certificate }, { domainNames: ['www.example.com'] }, stack)).toEqual(['certificate']);
  });

  test('a created certificate needs a known region, and outside us-east-1 an account, cross-region references and an imported zone', () => {
    const agnostic = new Stack(new App(), 'S');
    const zone = (s: Stack) => route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
    expect(problems({ hostedZone: zone(agnostic) }, { domainNames: ['www.example.com'] }, agnostic)).toEqual(['certificate']);

    const euNoRefs = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(problems({ hostedZone: zone(euNoRefs) }, { domainNames: ['www.example.com'] }, euNoRefs)).toEqual(['certificate']);

    const eu = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' }, crossRegionReferences: true });
    expect(problems({ hostedZone: zone(eu) }, { domainNames: ['www.example.com'] }, eu)).toEqual([]);
    const created = new route53.PublicHostedZone(eu, 'Created', { zoneName: 'example.com' });
    expect(problems({ hostedZone: created }, { domainNames: ['www.example.com'] }, eu)).toEqual(['hostedZone']);
  });
});
