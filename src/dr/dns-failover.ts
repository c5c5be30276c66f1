import { Duration, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { known, Validation } from '../private/validation';

/** How `DnsFailover` answers. */
export enum DnsRoutingPolicy {
  /**
   * Active-passive: the first endpoint while its health check passes, the second otherwise.
   */
  FAILOVER = 'FAILOVER',
  /**
   * Active-active: the healthy endpoint with the lowest latency from the caller's resolver.
   */
  LATENCY = 'LATENCY',
}

/** One regional endpoint behind a `DnsFailover` name. */
export interface DnsEndpoint {
  /** The endpoint's DNS name, e.g. the regional domain name of an API Gateway custom domain. */
  readonly domainName: string;
  /** The region the endpoint runs in, e.g. `eu-west-1` (the latency record's region). */
  readonly region: string;
  /**
   * An alias target for the record instead of a CNAME (required at the zone apex), e.g.
   * `route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain))`.
   *
   * @default - a CNAME to `domainName`
   */
  readonly aliasTarget?: route53.RecordTarget;
}

/** Properties of a `DnsFailover`. */
export interface DnsFailoverProps {
  /** The hosted zone the record goes into. */
  readonly zone: route53.IHostedZone;
  /**
   * The record name, relative to the zone (e.g. `api`) or fully qualified (`api.example.com`, or
   * `api.example.com.`), inside the zone. The zone apex (the zone's own name) needs an `aliasTarget`
   * on every endpoint, as a CNAME cannot sit there.
   */
  readonly recordName: string;
  /**
   * The endpoints, primary first. Two for `FAILOVER`; two or more, in different regions, for `LATENCY`.
   */
  readonly endpoints: DnsEndpoint[];

  /**
   * Failover (active-passive) or latency (active-active).
   *
   * @default DnsRoutingPolicy.FAILOVER
   */
  readonly routing?: DnsRoutingPolicy;

  /**
   * The HTTPS path the health checks request; a 2xx or 3xx answer within 4 seconds is healthy.
   *
   * @default '/health'
   */
  readonly healthCheckPath?: string;

  /**
   * The HTTPS port the health checks request.
   *
   * @default 443
   */
  readonly healthCheckPort?: number;

  /**
   * A string the health check response must contain (in its first 5,120 bytes).
   *
   * @default - any 2xx or 3xx response is healthy
   */
  readonly healthCheckSearchString?: string;

  /**
   * Seconds between two checks from one checker: 10 (fast, costs more) or 30.
   *
   * @default Duration.seconds(30)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Consecutive failed checks before an endpoint is unhealthy (1 to 10).
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * The TTL of CNAME records. Short, so that resolvers follow a failover quickly.
   *
   * @default Duration.seconds(60)
   */
  readonly ttl?: Duration;
}

/**
 * One DNS name in front of regional endpoints: a Route 53 HTTPS health check per endpoint, and
 * failover records (primary/secondary) or latency records (active-active) that answer only with
 * healthy endpoints.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { DnsFailover } from 'cdk-rampart';
 *
 * new DnsFailover(stack, 'Api', {
 *   zone, recordName: 'api',
 *   endpoints: [
 *     { domainName: 'api-eu-west-1.example.com', region: 'eu-west-1' },
 *     { domainName: 'api-eu-central-1.example.com', region: 'eu-central-1' },
 *   ],
 * });
 */
export class DnsFailover extends Construct {
  /** The health checks, in the order of `endpoints`. */
  public readonly healthChecks: route53.HealthCheck[] = [];
  /** The records, in the order of `endpoints`. */
  public readonly records: route53.RecordSet[] = [];
  /** The fully qualified name clients use. */
  public readonly domainName: string;

  constructor(scope: Construct, id: string, props: DnsFailoverProps) {
    super(scope, id);
    const routing = props.routing ?? DnsRoutingPolicy.FAILOVER;
    const healthCheckPath = props.healthCheckPath ?? '/health';
    const healthCheckPort = props.healthCheckPort ?? 443;
    const interval = props.healthCheckInterval ?? Duration.seconds(30);
    const failureThreshold = props.failureThreshold ?? 3;
    const ttl = props.ttl ?? Duration.seconds(60);

    const v = new Validation('DnsFailover', this);
    validate(v, props, { routing, healthCheckPath, healthCheckPort, interval, failureThreshold, ttl });
    v.throwIfInvalid();

    props.endpoints.forEach((endpoint, i) => {
      const role = routing === DnsRoutingPolicy.FAILOVER ? (i === 0 ? 'Primary' : 'Secondary') : `Region${i + 1}`;
      const healthCheck = new route53.HealthCheck(this, `${role}HealthCheck`, {
        type: props.healthCheckSearchString ? route53.HealthCheckType.HTTPS_STR_MATCH : route53.HealthCheckType.HTTPS,
        fqdn: endpoint.domainName,
        port: healthCheckPort,
        resourcePath: healthCheckPath,
        searchString: props.healthCheckSearchString,
        requestInterval: interval,
        failureThreshold,
        enableSNI: true,
        measureLatency: routing === DnsRoutingPolicy.LATENCY,
      });
      this.healthChecks.push(healthCheck);

      const options = {
        zone: props.zone,
        recordName: props.recordName,
        healthCheck,
        setIdentifier: `${role.toLowerCase()}-${endpoint.region}`,
        failover: routing === DnsRoutingPolicy.FAILOVER ? (i === 0 ? route53.Failover.PRIMARY : route53.Failover.SECONDARY) : undefined,
        region: routing === DnsRoutingPolicy.LATENCY ? endpoint.region : undefined,
      };
      this.records.push(endpoint.aliasTarget
        ? new route53.ARecord(this, `${role}Record`, { ...options, target: evaluatingTargetHealth(endpoint.aliasTarget) })
        : new route53.CnameRecord(this, `${role}Record`, { ...options, domainName: endpoint.domainName, ttl }));
    });
    this.domainName = fullyQualified(props.recordName, props.zone.zoneName);
  }
}

/** Route 53 requires failover alias records to evaluate the target's health; latency ones benefit too. */
function evaluatingTargetHealth(target: route53.RecordTarget): route53.RecordTarget {
  const alias = target.aliasTarget;
  if (!alias) return target;
  return route53.RecordTarget.fromAlias({
    bind: (record, zone) => ({ ...alias.bind(record, zone), evaluateTargetHealth: true }),
  });
}

function fullyQualified(recordName: string, zoneName: string): string {
  const name = recordName.replace(/\.$/, '');
  if (Token.isUnresolved(name) || Token.isUnresolved(zoneName)) return `${name}.${zoneName}`;
  return name === zoneName || name.endsWith(`.${zoneName}`) ? name : `${name}.${zoneName}`;
}

interface Resolved {
  readonly routing: DnsRoutingPolicy;
  readonly healthCheckPath: string;
  readonly healthCheckPort: number;
  readonly interval: Duration;
  readonly failureThreshold: number;
  readonly ttl: Duration;
}

function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName.replace(/\.$/, '');
  } catch {
    return undefined; // HostedZone.fromHostedZoneId: the name is not known
  }
}

const RECORD_NAME = /^(\*\.)?([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/;

function validateRecordName(v: Validation, props: DnsFailoverProps): void {
  const name = props.recordName;
  if (!known(name)) return;
  const zone = zoneNameOf(props.zone);
  const zoneText = zone && known(zone) ? zone : undefined;
  const example = `'api'${zoneText ? `, 'api.${zoneText}', or '${zoneText}' for the zone apex with an aliasTarget on every endpoint` : ''}`;
  if (name.trim() === '' || name === '.') {
    v.fail('recordName', name, `a name in the zone, e.g. ${example}`, 'is empty (the records would sit at the zone apex under the name \'.<zone>\')');
    return;
  }
  if (!v.matches('recordName', name, RECORD_NAME, `DNS labels of A-Z a-z 0-9 - _ separated by '.', e.g. ${example}`, 'is not a DNS name')) return;
  if (!zoneText) return;
  const bare = name.replace(/\.$/, '').toLowerCase();
  const z = zoneText.toLowerCase();
  const inZone = bare === z || bare.endsWith(`.${z}`);
  if (name.endsWith('.') && !inZone) {
    v.fail('recordName', name, `a name in the zone '${zoneText}', e.g. ${example}`, `is outside the zone '${zoneText}'`);
  } else if (!inZone && bare.includes('.') && bare.split('.').pop() === z.split('.').pop()) {
    v.fail('recordName', name, `a name in the zone '${zoneText}', e.g. ${example}; end a fully qualified name with '.'`,
      `looks like a name outside the zone '${zoneText}' (it would become '${bare}.${zoneText}')`);
  } else if (bare === z) {
    const cnames = props.endpoints.map((e, i) => (e.aliasTarget ? -1 : i)).filter((i) => i >= 0);
    if (cnames.length > 0) {
      v.fail('recordName', name, "an aliasTarget on every endpoint (a CNAME cannot sit at the zone apex), or a name below the apex such as 'api'",
        `is the zone apex, where endpoints ${JSON.stringify(cnames)} would be CNAME records`);
    }
  }
}

function validate(v: Validation, props: DnsFailoverProps, r: Resolved): void {
  const n = props.endpoints.length;
  if (r.routing === DnsRoutingPolicy.FAILOVER && n !== 2) {
    v.fail('endpoints', n, 'exactly 2, primary first', 'given for FAILOVER routing');
  }
  if (r.routing === DnsRoutingPolicy.LATENCY && n < 2) {
    v.fail('endpoints', n, '2 or more, one per region', 'given for LATENCY routing');
  }
  const regions = props.endpoints.map((e) => e.region).filter(known);
  const duplicates = regions.filter((region, i) => regions.indexOf(region) !== i);
  if (duplicates.length > 0) {
    v.fail('endpoints', regions, 'one endpoint per region (a DR pair needs two regions)', `repeat region '${duplicates[0]}'`);
  }
  validateRecordName(v, props);
  const zone = zoneNameOf(props.zone);
  const own = known(props.recordName) && zone && known(zone) ? fullyQualified(props.recordName, zone).toLowerCase() : undefined;
  props.endpoints.forEach((e, i) => {
    v.region(`endpoints[${i}].region`, e.region);
    v.matches(`endpoints[${i}].domainName`, e.domainName, /^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}\.?$/, 'a DNS name the health checkers can resolve');
    if (own && known(e.domainName) && e.domainName.replace(/\.$/, '').toLowerCase() === own) {
      v.fail(`endpoints[${i}].domainName`, e.domainName, 'the regional endpoint\'s own name', 'is the failover record itself (a CNAME loop)');
    }
  });
  v.matches('healthCheckPath', r.healthCheckPath, /^\/\S*$/, "a path starting with '/'");
  v.integer('healthCheckPort', r.healthCheckPort, 1, 65535);
  v.duration('healthCheckInterval', r.interval, { oneOf: [Duration.seconds(10), Duration.seconds(30)], allowed: '10 or 30 seconds' });
  v.integer('failureThreshold', r.failureThreshold, 1, 10);
  v.duration('ttl', r.ttl, { min: Duration.seconds(1), max: Duration.seconds(300), allowed: '1 to 300 seconds (a longer TTL delays failover)' });
  const search = props.healthCheckSearchString;
  if (search !== undefined && known(search) && (search.length === 0 || search.length > 255)) {
    v.fail('healthCheckSearchString', search, '1 to 255 characters', `is ${search.length} characters`);
  }
}
