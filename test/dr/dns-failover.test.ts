import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DnsEndpoint, DnsFailover, DnsFailoverProps, DnsRoutingPolicy } from '../../src/dr';
import { expectCompliant } from '../support/compliance';

const EU_WEST: DnsEndpoint = { domainName: 'api-eu-west-1.example.com', region: 'eu-west-1' };
const EU_CENTRAL: DnsEndpoint = { domainName: 'api-eu-central-1.example.com', region: 'eu-central-1' };
const US_EAST: DnsEndpoint = { domainName: 'api-us-east-1.example.com', region: 'us-east-1' };

function setup(props: Partial<DnsFailoverProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Dns');
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const dns = new DnsFailover(stack, 'Api', { zone, recordName: 'api', endpoints: [EU_WEST, EU_CENTRAL], ...props });
  return { app, stack, zone, dns, template: Template.fromStack(stack) };
}

describe('DnsFailover defaults (failover, active-passive)', () => {
  test('an HTTPS health check per endpoint on /health: every 30 s, unhealthy after 3 failures, with SNI', () => {
    const { template } = setup();
    template.resourceCountIs('AWS::Route53::HealthCheck', 2);
    for (const endpoint of [EU_WEST, EU_CENTRAL]) {
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: endpoint.domainName,
          Port: 443,
          ResourcePath: '/health',
          RequestInterval: 30,
          FailureThreshold: 3,
          EnableSNI: true,
          MeasureLatency: false,
        },
      });
    }
  });

  test('a PRIMARY record for the first endpoint and a SECONDARY one for the second, each tied to its health check, TTL 60 s', () => {
    const { template } = setup();
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      Type: 'CNAME',
      Failover: 'PRIMARY',
      SetIdentifier: 'primary-eu-west-1',
      ResourceRecords: ['api-eu-west-1.example.com'],
      TTL: '60',
      HealthCheckId: { Ref: Match.stringLikeRegexp('^ApiPrimaryHealthCheck') },
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary-eu-central-1',
      ResourceRecords: ['api-eu-central-1.example.com'],
      HealthCheckId: { Ref: Match.stringLikeRegexp('^ApiSecondaryHealthCheck') },
    });
  });

  test('exposes the health checks, the records and the name', () => {
    const { dns, stack } = setup();
    expect(dns.healthChecks).toHaveLength(2);
    expect(dns.records).toHaveLength(2);
    expect(stack.resolve(dns.domainName)).toBe('api.example.com');
  });
});

describe('DnsFailover options', () => {
  test('latency routing (active-active): one latency record per region, health checks measure latency', () => {
    const { template } = setup({ routing: DnsRoutingPolicy.LATENCY, endpoints: [EU_WEST, EU_CENTRAL, US_EAST] });
    template.resourceCountIs('AWS::Route53::RecordSet', 3);
    for (const [i, e] of [EU_WEST, EU_CENTRAL, US_EAST].entries()) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Region: e.region,
        SetIdentifier: `region${i + 1}-${e.region}`,
        Failover: Match.absent(),
        ResourceRecords: [e.domainName],
      });
    }
    template.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ MeasureLatency: true }) });
  });

  test('an alias target makes an A alias record (zone apex capable)', () => {
    const { template } = setup({
      endpoints: [{ ...EU_WEST, aliasTarget: route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: 'd-abc.execute-api.eu-west-1.amazonaws.com', hostedZoneId: 'ZLY8HYME6SFDD' }) }) }, EU_CENTRAL],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Type: 'A',
      Failover: 'PRIMARY',
      AliasTarget: { DNSName: 'd-abc.execute-api.eu-west-1.amazonaws.com', HostedZoneId: 'ZLY8HYME6SFDD', EvaluateTargetHealth: true },
    });
  });

  test('fast checks, a threshold, a path, a port, a search string and a TTL', () => {
    const { template } = setup({
      healthCheckInterval: Duration.seconds(10),
      failureThreshold: 2,
      healthCheckPath: '/ready',
      healthCheckPort: 8443,
      healthCheckSearchString: '"status":"ok"',
      ttl: Duration.seconds(30),
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS_STR_MATCH', SearchString: '"status":"ok"', RequestInterval: 10, FailureThreshold: 2, ResourcePath: '/ready', Port: 8443 }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { TTL: '30' });
  });
});

describe('DnsFailover validation', () => {
  const invalid = (props: Partial<DnsFailoverProps>) => () => setup(props);
  test('failover needs exactly two endpoints', () => {
    expect(invalid({ endpoints: [EU_WEST] })).toThrow(/endpoints: 1 given for FAILOVER routing; allowed: exactly 2/);
    expect(invalid({ endpoints: [EU_WEST, EU_CENTRAL, US_EAST] })).toThrow(/endpoints: 3 given for FAILOVER/);
  });
  test('latency needs two or more endpoints', () => {
    expect(invalid({ routing: DnsRoutingPolicy.LATENCY, endpoints: [EU_WEST] })).toThrow(/endpoints: 1 given for LATENCY routing; allowed: 2 or more/);
  });
  test('two endpoints in one region', () => {
    expect(invalid({ endpoints: [EU_WEST, { ...EU_CENTRAL, region: 'eu-west-1' }] })).toThrow(/endpoints: \["eu-west-1","eu-west-1"\] repeat region 'eu-west-1'; allowed: one endpoint per region/);
  });
  test('a bad region or domain name', () => {
    expect(invalid({ endpoints: [EU_WEST, { ...EU_CENTRAL, region: 'Frankfurt' }] })).toThrow(/endpoints\[1\].region: 'Frankfurt'/);
    expect(invalid({ endpoints: [{ ...EU_WEST, domainName: 'not a name' }, EU_CENTRAL] })).toThrow(/endpoints\[0\].domainName: 'not a name'/);
  });
  test('a path without a leading slash', () => {
    expect(invalid({ healthCheckPath: 'health' })).toThrow(/healthCheckPath: 'health'; allowed: a path starting with '\/'/);
  });
  test('an interval other than 10 or 30 seconds', () => {
    expect(invalid({ healthCheckInterval: Duration.seconds(20) })).toThrow(/healthCheckInterval: 20 seconds; allowed: 10 or 30 seconds/);
  });
  test('a failure threshold out of range', () => {
    expect(invalid({ failureThreshold: 11 })).toThrow(/failureThreshold: 11; allowed: an integer from 1 to 10/);
  });
  test('a port, a TTL or a search string out of range', () => {
    expect(invalid({ healthCheckPort: 0 })).toThrow(/healthCheckPort: 0/);
    expect(invalid({ ttl: Duration.minutes(10) })).toThrow(/ttl: 10 minutes; allowed: 1 to 300 seconds/);
    expect(invalid({ healthCheckSearchString: '' })).toThrow(/healthCheckSearchString: '' is 0 characters; allowed: 1 to 255 characters/);
  });
  test('an empty record name (the zone apex under the name ".example.com")', () => {
    expect(invalid({ recordName: '' })).toThrow(/recordName: '' is empty .*; allowed: a name in the zone, e.g. 'api', 'api.example.com', or 'example.com' for the zone apex/);
  });
  test('the zone apex with CNAME endpoints', () => {
    expect(invalid({ recordName: 'example.com' })).toThrow(/recordName: 'example.com' is the zone apex, where endpoints \[0,1\] would be CNAME records; allowed: an aliasTarget on every endpoint/);
    const alias = route53.RecordTarget.fromValues('192.0.2.1');
    expect(invalid({ recordName: 'example.com', endpoints: [{ ...EU_WEST, aliasTarget: alias }, { ...EU_CENTRAL, aliasTarget: alias }] })).not.toThrow();
  });
  test('a record name outside the zone', () => {
    expect(invalid({ recordName: 'api.example.org.' })).toThrow(/recordName: 'api.example.org.' is outside the zone 'example.com'; allowed: a name in the zone 'example.com'/);
    expect(invalid({ recordName: 'api.other.com' })).toThrow(/recordName: 'api.other.com' looks like a name outside the zone 'example.com' \(it would become 'api.other.com.example.com'\)/);
    expect(invalid({ recordName: 'not a name' })).toThrow(/recordName: 'not a name' is not a DNS name/);
    expect(invalid({ recordName: 'api.example.com.' })).not.toThrow();
    expect(invalid({ recordName: 'api.eu' })).not.toThrow();
  });
  test('an endpoint that is the failover name itself', () => {
    expect(invalid({ endpoints: [{ ...EU_WEST, domainName: 'api.example.com' }, EU_CENTRAL] })).toThrow(/endpoints\[0\].domainName: 'api.example.com' is the failover record itself/);
  });
  test('every problem in one error; tokens are not validated', () => {
    expect(invalid({ failureThreshold: 0, healthCheckPath: 'x' })).toThrow(/healthCheckPath: 'x'.*\n.*failureThreshold: 0/);
    expect(invalid({ failureThreshold: Token.asNumber({ Ref: 'T' }), endpoints: [EU_WEST, { ...EU_CENTRAL, domainName: Token.asString({ Ref: 'D' }) }] })).not.toThrow();
  });
});

describe('DnsFailover compliance', () => {
  test('default props pass every pack', () => {
    const { stack } = setup();
    expectCompliant(stack);
  });
});
