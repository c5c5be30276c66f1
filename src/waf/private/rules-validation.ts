import { Duration } from 'aws-cdk-lib';
import { AWS_MANAGED_RULE_GROUPS, CONFIGURED_RULE_GROUPS, COUNTRY_CODES } from './catalogue';
import { described, known, Validation } from '../../private/validation';
import type { WebAclRulesProps } from '../web-acl-rules';

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+(\/(12[0-8]|1[01]\d|[1-9]?\d))$/;

/** The limits WAF puts on the rules (see `WebAclRules` for the public constants). */
export const RATE_LIMIT = { min: 10, max: 2_000_000_000 };
export const RATE_LIMIT_WINDOWS = [1, 2, 5, 10].map((m) => Duration.minutes(m));

/** Records every problem of the WebACL rule settings. */
export function validateWebAclRules(v: Validation, props: WebAclRulesProps): void {
  const groups = props.managedRuleGroups;
  if (groups !== undefined && known(groups)) {
    const configured = groups.filter((g) => known(g) && CONFIGURED_RULE_GROUPS.includes(g));
    if (configured.length > 0) {
      v.fail('managedRuleGroups', configured, `the groups usable by name: ${AWS_MANAGED_RULE_GROUPS.join(', ')}`,
        'need a ManagedRuleGroupConfigs entry a name cannot carry (add them to the WebACL yourself)');
    }
    const unknown = groups.filter((g) => known(g) && !AWS_MANAGED_RULE_GROUPS.includes(g) && !CONFIGURED_RULE_GROUPS.includes(g));
    if (unknown.length > 0) {
      v.fail('managedRuleGroups', unknown, `AWS managed rule group names: ${AWS_MANAGED_RULE_GROUPS.join(', ')}`, 'are not AWS managed rule groups');
    }
    const dup = groups.filter((g, i) => groups.indexOf(g) !== i);
    if (dup.length > 0) v.fail('managedRuleGroups', dup, 'each group once', 'appear more than once');
  }
  const limit = props.rateLimit;
  if (limit !== undefined && known(limit) && (!Number.isInteger(limit) || limit < RATE_LIMIT.min || limit > RATE_LIMIT.max)) {
    v.fail('rateLimit', limit, `an integer from ${RATE_LIMIT.min} to ${RATE_LIMIT.max}`, "is outside WAF's range");
  }
  v.duration('rateLimitWindow', props.rateLimitWindow, { oneOf: RATE_LIMIT_WINDOWS, allowed: '1, 2, 5 or 10 minutes' });
  if (props.geoAllowList !== undefined && props.geoDenyList !== undefined) {
    v.fail('geoAllowList, geoDenyList', described('both given'), 'one of them (an allow list already blocks every other country)');
  }
  for (const [name, list] of [['geoAllowList', props.geoAllowList], ['geoDenyList', props.geoDenyList]] as const) {
    if (list === undefined || !known(list)) continue;
    v.nonEmpty(name, list, 'at least one ISO 3166-1 alpha-2 country code, or leave it out');
    const bad = list.filter((c) => known(c) && !COUNTRY_CODES.has(c));
    if (bad.length > 0) v.fail(name, bad, "ISO 3166-1 alpha-2 codes in upper case, e.g. 'GB'", 'are not country codes');
    const dup = list.filter((c, i) => list.indexOf(c) !== i);
    if (dup.length > 0) v.fail(name, dup, 'each country once', 'appear more than once');
  }
  for (const [name, list] of [['ipAllowList', props.ipAllowList], ['ipDenyList', props.ipDenyList]] as const) {
    if (list === undefined || !known(list)) continue;
    v.nonEmpty(name, list, 'at least one CIDR range, or leave it out');
    const bad = list.filter((c) => known(c) && !IPV4_CIDR.test(c) && !IPV6_CIDR.test(c));
    if (bad.length > 0) v.fail(name, bad, "IPv4 or IPv6 CIDR such as '203.0.113.0/24' or '2001:db8::/32'", 'are not CIDR ranges');
    const everyone = list.filter((c) => known(c) && /\/0$/.test(c));
    if (everyone.length > 0) {
      v.fail(name, everyone, 'ranges narrower than /0 (leave the list out, or set wafEnabled: false where that is really meant)',
        name === 'ipAllowList' ? 'match every address: every request would skip every other rule' : 'match every address: every request would be blocked');
    }
  }
  const overlap = (props.ipAllowList ?? []).filter((c) => (props.ipDenyList ?? []).includes(c));
  if (overlap.length > 0) v.fail('ipAllowList, ipDenyList', overlap, 'each range in one list', 'are in both');
}
