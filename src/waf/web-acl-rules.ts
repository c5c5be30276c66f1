import { Duration, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';

/**
 * The rules every rampart WebACL is built from: AWS managed rule groups, a rate-based rule per
 * client IP, and optional geo and IP allow/deny lists. Shared by the CloudFront WebACL of
 * `SecureSite` and the regional `RegionalWebAcl`.
 */
export interface WebAclRulesProps {
  /**
   * AWS managed rule groups (vendor `AWS`) to evaluate, in this order, e.g. `AWSManagedRulesSQLiRuleSet`.
   *
   * @default - `WebAclRules.DEFAULT_MANAGED_RULE_GROUPS`: the common rule set, known bad inputs and
   * the Amazon IP reputation list
   */
  readonly managedRuleGroups?: string[];

  /**
   * Requests one client IP may make within `rateLimitWindow` before WAF blocks it.
   * WAF allows 10 to 2,000,000,000.
   *
   * @default 2000
   */
  readonly rateLimit?: number;

  /**
   * The window WAF counts a client's requests over: 1, 2, 5 or 10 minutes.
   *
   * @default Duration.minutes(5)
   */
  readonly rateLimitWindow?: Duration;

  /**
   * Only these countries (ISO 3166 alpha-2 codes, e.g. `GB`) may reach the resource; every other
   * request is blocked. Mutually exclusive with `geoDenyList`.
   *
   * @default - no country restriction
   */
  readonly geoAllowList?: string[];

  /**
   * Requests from these countries (ISO 3166 alpha-2 codes) are blocked. Mutually exclusive with `geoAllowList`.
   *
   * @default - no country restriction
   */
  readonly geoDenyList?: string[];

  /**
   * CIDR ranges (IPv4 or IPv6) whose requests are allowed without evaluating any other rule.
   *
   * @default - none
   */
  readonly ipAllowList?: string[];

  /**
   * CIDR ranges (IPv4 or IPv6) whose requests are always blocked.
   *
   * @default - none
   */
  readonly ipDenyList?: string[];
}

/** An IP set the rules reference: created next to the WebACL, in the same scope and region. */
export interface WebAclIpSetSpec {
  /** A stable key for the set, also part of its name: `AllowIPv4`, `AllowIPv6`, `DenyIPv4`, `DenyIPv6`. */
  readonly key: string;
  /** `IPV4` or `IPV6`. */
  readonly ipAddressVersion: string;
  /** The CIDR ranges in the set. */
  readonly addresses: string[];
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+(\/(12[0-8]|1[01]\d|[1-9]?\d))$/;
const COUNTRY = /^[A-Z]{2}$/;
const MANAGED_GROUP_NAME = /^[0-9A-Za-z_-]{1,128}$/;

/**
 * Builds and validates the rules shared by every rampart WebACL. Pure: no constructs are created.
 */
export class WebAclRules {
  /** The AWS managed rule groups used when `managedRuleGroups` is not given. */
  public static readonly DEFAULT_MANAGED_RULE_GROUPS: string[] = [
    'AWSManagedRulesCommonRuleSet',
    'AWSManagedRulesKnownBadInputsRuleSet',
    'AWSManagedRulesAmazonIpReputationList',
  ];

  /** The default requests per client IP per window. */
  public static readonly DEFAULT_RATE_LIMIT = 2000;

  /** The lowest rate limit WAF accepts (it was 100 until 2023; now 10). */
  public static readonly MIN_RATE_LIMIT = 10;

  /** The highest rate limit WAF accepts. */
  public static readonly MAX_RATE_LIMIT = 2_000_000_000;

  /** Evaluation windows WAF accepts, in seconds. */
  public static readonly RATE_LIMIT_WINDOWS_SECONDS: number[] = [60, 120, 300, 600];

  /**
   * Every problem with the props, one message each naming the prop, its value and what is allowed.
   * Unresolved tokens are skipped.
   */
  public static validate(props: WebAclRulesProps): string[] {
    const problems: string[] = [];
    const groups = props.managedRuleGroups;
    if (groups !== undefined && !Token.isUnresolved(groups)) {
      const bad = groups.filter((g) => !Token.isUnresolved(g) && !MANAGED_GROUP_NAME.test(g));
      if (bad.length > 0) {
        problems.push(`managedRuleGroups: ${JSON.stringify(bad)} are not rule group names; allowed: AWS managed rule group names such as 'AWSManagedRulesSQLiRuleSet'`);
      }
      const dup = groups.filter((g, i) => groups.indexOf(g) !== i);
      if (dup.length > 0) problems.push(`managedRuleGroups: ${JSON.stringify(dup)} appear more than once; allowed: each group once`);
    }
    const limit = props.rateLimit;
    if (limit !== undefined && !Token.isUnresolved(limit)
      && (!Number.isInteger(limit) || limit < WebAclRules.MIN_RATE_LIMIT || limit > WebAclRules.MAX_RATE_LIMIT)) {
      problems.push(`rateLimit: ${limit} is outside WAF's range; allowed: an integer from ${WebAclRules.MIN_RATE_LIMIT} to ${WebAclRules.MAX_RATE_LIMIT}`);
    }
    const window = props.rateLimitWindow;
    if (window !== undefined && !window.isUnresolved()) {
      const seconds = window.toSeconds({ integral: false });
      if (!WebAclRules.RATE_LIMIT_WINDOWS_SECONDS.includes(seconds)) {
        problems.push(`rateLimitWindow: ${seconds} seconds is not a WAF evaluation window; allowed: 1, 2, 5 or 10 minutes`);
      }
    }
    if (props.geoAllowList !== undefined && props.geoDenyList !== undefined) {
      problems.push('geoAllowList, geoDenyList: both given; allowed: one of them (an allow list already blocks every other country)');
    }
    for (const [name, list] of [['geoAllowList', props.geoAllowList], ['geoDenyList', props.geoDenyList]] as const) {
      if (list === undefined || Token.isUnresolved(list)) continue;
      if (list.length === 0) problems.push(`${name}: empty; allowed: at least one ISO 3166 alpha-2 country code, or leave it out`);
      const bad = list.filter((c) => !Token.isUnresolved(c) && !COUNTRY.test(c));
      if (bad.length > 0) problems.push(`${name}: ${JSON.stringify(bad)} are not country codes; allowed: ISO 3166 alpha-2 codes in upper case, e.g. 'GB'`);
    }
    for (const [name, list] of [['ipAllowList', props.ipAllowList], ['ipDenyList', props.ipDenyList]] as const) {
      if (list === undefined || Token.isUnresolved(list)) continue;
      if (list.length === 0) problems.push(`${name}: empty; allowed: at least one CIDR range, or leave it out`);
      const bad = list.filter((c) => !Token.isUnresolved(c) && !IPV4_CIDR.test(c) && !IPV6_CIDR.test(c));
      if (bad.length > 0) problems.push(`${name}: ${JSON.stringify(bad)} are not CIDR ranges; allowed: IPv4 or IPv6 CIDR such as '203.0.113.0/24' or '2001:db8::/32'`);
    }
    const overlap = (props.ipAllowList ?? []).filter((c) => (props.ipDenyList ?? []).includes(c));
    if (overlap.length > 0) problems.push(`ipAllowList, ipDenyList: ${JSON.stringify(overlap)} are in both; allowed: each range in one list`);
    return problems;
  }

  /** The IP sets the rules need, IPv4 and IPv6 apart (a WAF IP set holds one version). */
  public static ipSets(props: WebAclRulesProps): WebAclIpSetSpec[] {
    const specs: WebAclIpSetSpec[] = [];
    for (const [prefix, list] of [['Allow', props.ipAllowList], ['Deny', props.ipDenyList]] as const) {
      const v4 = (list ?? []).filter((c) => !c.includes(':'));
      const v6 = (list ?? []).filter((c) => c.includes(':'));
      if (v4.length > 0) specs.push({ key: `${prefix}IPv4`, ipAddressVersion: 'IPV4', addresses: v4 });
      if (v6.length > 0) specs.push({ key: `${prefix}IPv6`, ipAddressVersion: 'IPV6', addresses: v6 });
    }
    return specs;
  }

  /**
   * The rules, in priority order: IP deny, IP allow, geo, rate limit, then the managed rule groups.
   * Metrics and sampled requests are on for every rule.
   *
   * @param props the rule settings
   * @param metricPrefix prefixes every rule's CloudWatch metric name
   * @param ipSetArns the ARN of each IP set of `ipSets(props)`, by key
   */
  public static rules(props: WebAclRulesProps, metricPrefix: string, ipSetArns: Record<string, string>): CfnWebACL.RuleProperty[] {
    const rules: CfnWebACL.RuleProperty[] = [];
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}${name}`.slice(0, 128),
    });
    const add = (name: string, rule: Omit<CfnWebACL.RuleProperty, 'name' | 'priority' | 'visibilityConfig'>) =>
      rules.push({ name, priority: rules.length, visibilityConfig: visibility(name), ...rule });
    const ipStatement = (prefix: string): CfnWebACL.StatementProperty | undefined => {
      const arns = ['IPv4', 'IPv6'].map((v) => ipSetArns[`${prefix}${v}`]).filter((a): a is string => a !== undefined);
      if (arns.length === 0) return undefined;
      const statements = arns.map((arn) => ({ ipSetReferenceStatement: { arn } }));
      return statements.length === 1 ? statements[0] : { orStatement: { statements } };
    };

    const deny = ipStatement('Deny');
    if (deny) add('IpDenyList', { action: { block: {} }, statement: deny });
    const allow = ipStatement('Allow');
    if (allow) add('IpAllowList', { action: { allow: {} }, statement: allow });
    if (props.geoAllowList) {
      add('GeoAllowList', {
        action: { block: {} },
        statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: props.geoAllowList } } } },
      });
    }
    if (props.geoDenyList) {
      add('GeoDenyList', { action: { block: {} }, statement: { geoMatchStatement: { countryCodes: props.geoDenyList } } });
    }
    add('RateLimitPerIp', {
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: props.rateLimit ?? WebAclRules.DEFAULT_RATE_LIMIT,
          evaluationWindowSec: (props.rateLimitWindow ?? Duration.minutes(5)).toSeconds(),
        },
      },
    });
    for (const group of props.managedRuleGroups ?? WebAclRules.DEFAULT_MANAGED_RULE_GROUPS) {
      add(`AWS-${group}`, {
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
      });
    }
    return rules;
  }
}
