import { Duration, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

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
  /** The record name, relative to the zone (e.g. `api`) or fully qualified. */
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
 * @example
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

    const problems = validate(props, { routing, healthCheckPath, healthCheckPort, interval, failureThreshold, ttl });
    if (problems.length > 0) throw new Error(`DnsFailover '${this.node.path}' has invalid props:\n  - ${problems.join('\n  - ')}`);

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

function validate(props: DnsFailoverProps, r: Resolved): string[] {
  const problems: string[] = [];
  const known = (v: unknown) => !Token.isUnresolved(v);
  const n = props.endpoints.length;
  if (r.routing === DnsRoutingPolicy.FAILOVER && n !== 2) {
    problems.push(`endpoints: ${n} given for FAILOVER routing; allowed: exactly 2, primary first`);
  }
  if (r.routing === DnsRoutingPolicy.LATENCY && n < 2) {
    problems.push(`endpoints: ${n} given for LATENCY routing; allowed: 2 or more, one per region`);
  }
  const regions = props.endpoints.map((e) => e.region).filter(known);
  const duplicates = regions.filter((region, i) => regions.indexOf(region) !== i);
  if (duplicates.length > 0) {
    problems.push(`endpoints: region '${duplicates[0]}' appears twice; allowed: one endpoint per region (a DR pair needs two regions)`);
  }
  props.endpoints.forEach((e, i) => {
    if (known(e.region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(e.region)) {
      problems.push(`endpoints[${i}].region: '${e.region}'; allowed: a region name, e.g. 'eu-west-1'`);
    }
    if (known(e.domainName) && !/^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}\.?$/.test(e.domainName)) {
      problems.push(`endpoints[${i}].domainName: '${e.domainName}'; allowed: a DNS name the health checkers can resolve`);
    }
  });
  if (known(r.healthCheckPath) && !/^\/\S*$/.test(r.healthCheckPath)) {
    problems.push(`healthCheckPath: '${r.healthCheckPath}'; allowed: a path starting with '/'`);
  }
  if (known(r.healthCheckPort) && (!Number.isInteger(r.healthCheckPort) || r.healthCheckPort < 1 || r.healthCheckPort > 65535)) {
    problems.push(`healthCheckPort: ${r.healthCheckPort}; allowed: an integer from 1 to 65535`);
  }
  if (!r.interval.isUnresolved() && ![10, 30].includes(r.interval.toSeconds())) {
    problems.push(`healthCheckInterval: ${r.interval.toSeconds()} seconds; allowed: 10 or 30 seconds`);
  }
  if (known(r.failureThreshold) && (!Number.isInteger(r.failureThreshold) || r.failureThreshold < 1 || r.failureThreshold > 10)) {
    problems.push(`failureThreshold: ${r.failureThreshold}; allowed: an integer from 1 to 10`);
  }
  if (!r.ttl.isUnresolved() && (r.ttl.toSeconds() < 1 || r.ttl.toSeconds() > 300)) {
    problems.push(`ttl: ${r.ttl.toSeconds()} seconds; allowed: 1 to 300 seconds (a longer TTL delays failover)`);
  }
  if (props.healthCheckSearchString !== undefined && known(props.healthCheckSearchString)
    && (props.healthCheckSearchString.length === 0 || props.healthCheckSearchString.length > 255)) {
    problems.push(`healthCheckSearchString: ${props.healthCheckSearchString.length} characters; allowed: 1 to 255`);
  }
  return problems;
}
