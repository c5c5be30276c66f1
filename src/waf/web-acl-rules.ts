import { Duration } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { validateWebAclRules } from './private/rules-validation';
import { Validation } from '../private/validation';

/**
 * The rules every rampart WebACL is built from: AWS managed rule groups, a rate-based rule per
 * client IP, and optional geo and IP allow/deny lists. Shared by the CloudFront WebACL of
 * `SecureSite` and the regional `RegionalWebAcl`.
 */
export interface WebAclRulesProps {
  /**
   * AWS managed rule groups (vendor `AWS`) to evaluate, in this order, e.g. `AWSManagedRulesSQLiRuleSet`:
   * the groups usable by name (baseline, use-case and IP reputation groups). Bot Control, ATP, ACFP
   * and Anti-DDoS need a configuration a name cannot carry, so they are refused here.
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
   * Only these countries (ISO 3166-1 alpha-2 codes, e.g. `GB`; WAF also knows `XK`) may reach the resource; every other
   * request is blocked. Mutually exclusive with `geoDenyList`.
   *
   * @default - no country restriction
   */
  readonly geoAllowList?: string[];

  /**
   * Requests from these countries (ISO 3166-1 alpha-2 codes) are blocked. Mutually exclusive with `geoAllowList`.
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
    const v = new Validation('WebAclRules', 'rules');
    validateWebAclRules(v, props);
    return v.problems.map((p) => `${p.prop}: ${p.value}; allowed: ${p.allowed}`);
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
