import * as fs from 'fs';
import * as path from 'path';
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import { described, known, Validation } from '../../private/validation';
import { validateWafSettings } from '../../waf/private/waf-settings';
import type { SecureSiteProps } from '../secure-site';

/** The props of a `SecureSite` after defaults, as the checks need them. */
export interface ResolvedSiteProps {
  readonly csp: string;
  readonly domainNames: string[];
  readonly noncurrentVersionExpiration: Duration;
  readonly accessLogRetention: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly wafEnabled: boolean;
  readonly defaultRootObject: string;
}

/** Every problem of a `SecureSite`'s props, thrown as one error. */
export function validateSecureSiteProps(scope: IConstruct, props: SecureSiteProps, v: ResolvedSiteProps): void {
  const check = new Validation('SecureSite', scope);
  if (known(v.csp) && v.csp.trim().length === 0) {
    check.fail('contentSecurityPolicy', v.csp, "a policy such as \"default-src 'self'\" (leave it out for the default)", 'is empty');
  }
  if (known(v.csp) && /[\r\n]/.test(v.csp)) {
    check.fail('contentSecurityPolicy', v.csp, 'one line, directives separated by ";"', 'contains a line break');
  }
  check.check('defaultRootObject', v.defaultRootObject, v.defaultRootObject.length > 0 && !v.defaultRootObject.startsWith('/'),
    "an object key without a leading '/', e.g. 'index.html'");
  const wholeDays = (d: Duration) => d.isUnresolved() || (d.toDays({ integral: false }) >= 1 && Number.isInteger(d.toDays({ integral: false })));
  for (const [name, d] of [['noncurrentVersionExpiration', v.noncurrentVersionExpiration], ['accessLogRetention', v.accessLogRetention]] as const) {
    check.check(name, d, wholeDays(d), 'a whole number of days, at least 1');
  }
  check.retention('logRetention', v.logRetention);
  if (props.contentPath !== undefined && known(props.contentPath)) {
    const resolvedPath = path.resolve(props.contentPath);
    const stat = fs.existsSync(resolvedPath) ? fs.statSync(resolvedPath) : undefined;
    if (!stat) {
      check.fail('contentPath', props.contentPath, 'a folder holding the built site (or a .zip of it); build the site before synth',
        `does not exist (resolved to ${resolvedPath})`);
    } else if (!stat.isDirectory() && !resolvedPath.endsWith('.zip')) {
      check.fail('contentPath', props.contentPath, 'a folder holding the built site, or a .zip of it', 'is a file');
    }
  }

  // WAF: create one, bring one, or none; never two answers at once.
  if (props.webAclArn !== undefined && !v.wafEnabled) {
    check.fail('webAclArn, wafEnabled', described('webAclArn given with wafEnabled false'), 'one of them');
  }
  validateWafSettings(check, props.waf, v.wafEnabled, props.webAclArn !== undefined ? 'webAclArn' : undefined);
  if (props.webAclArn !== undefined && known(props.webAclArn)) {
    const m = /^arn:[\w-]+:wafv2:([a-z0-9-]+):\d{12}:(global|regional)\/webacl\/[\w-]+\/[\w-]+$/.exec(props.webAclArn);
    if (!m) {
      check.fail('webAclArn', props.webAclArn, 'arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>', 'is not a WAFv2 WebACL ARN');
    } else if (m[2] !== 'global' || m[1] !== 'us-east-1') {
      check.fail('webAclArn', props.webAclArn, 'a CLOUDFRONT-scope WebACL (global/webacl, us-east-1)', `has scope ${m[2] === 'global' ? 'CLOUDFRONT' : 'REGIONAL'} in ${m[1]}`);
    }
  }

  // Custom domain.
  const hasDomains = v.domainNames.length > 0;
  if (hasDomains && !props.certificate && !props.hostedZone) {
    check.fail('domainNames', v.domainNames, 'also give a us-east-1 certificate, or a hostedZone to create one in', 'given without certificate or hostedZone');
  }
  if (!hasDomains && props.certificate) check.fail('certificate', props.certificate.certificateArn, 'the domain names it covers in domainNames', 'given without domainNames');
  if (!hasDomains && props.hostedZone) check.fail('hostedZone', props.hostedZone, 'the names to serve in domainNames', 'given without domainNames');
  const badNames = v.domainNames.filter((d) => known(d) && !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d));
  if (badNames.length > 0) check.fail('domainNames', badNames, "lower-case names such as 'www.example.com'", 'are not domain names');
  const repeated = v.domainNames.filter((d, i) => v.domainNames.indexOf(d) !== i);
  if (repeated.length > 0) check.fail('domainNames', repeated, 'each name once (CloudFront refuses a repeated alternate domain name)', 'appear more than once');
  const zoneName = props.hostedZone ? zoneNameOf(props.hostedZone) : undefined;
  if (zoneName && known(zoneName)) {
    const outside = v.domainNames.filter((d) => known(d) && !badNames.includes(d) && d !== zoneName && !d.endsWith(`.${zoneName}`));
    if (outside.length > 0) {
      check.fail('domainNames', outside, `names in the hostedZone '${zoneName}' (e.g. 'www.${zoneName}'), or a certificate and no hostedZone for names elsewhere`,
        `are outside the hostedZone '${zoneName}'`);
    }
  }
  if (props.certificate && known(props.certificate.certificateArn)) {
    const region = Arn.split(props.certificate.certificateArn, ArnFormat.SLASH_RESOURCE_NAME).region;
    if (region !== 'us-east-1') {
      check.fail('certificate', props.certificate.certificateArn, 'a certificate in us-east-1 (CloudFront only uses those)', `is in ${region}`);
    }
  }
  if (hasDomains && props.hostedZone && !props.certificate) {
    const region = Stack.of(scope).region;
    if (!known(region)) {
      check.fail('certificate', undefined, 'a us-east-1 certificate, or give the stack an env',
        'but the stack is environment-agnostic (the certificate must be created in us-east-1 from a stack whose account and region are known)');
    } else if (region !== 'us-east-1') {
      if (!known(Stack.of(scope).account)) {
        check.fail('certificate', undefined, 'a us-east-1 certificate, or give the stack env.account', `but the stack (in ${region}) has no account`);
      }
      if (!(Stack.of(scope) as unknown as { _crossRegionReferences?: boolean })._crossRegionReferences) {
        check.fail('certificate', undefined, 'create the stack with crossRegionReferences: true, or pass a us-east-1 certificate',
          `but the stack is in ${region}, so the certificate is created in a us-east-1 stack and referenced across regions`);
      }
      if (!known(props.hostedZone.hostedZoneId)) {
        check.fail('hostedZone', props.hostedZone, 'an imported zone (HostedZone.fromHostedZoneAttributes), or pass a us-east-1 certificate',
          'is created in this stack and cannot validate a certificate in the us-east-1 stack (the stacks would depend on each other)');
      }
    }
  }
  check.throwIfInvalid();
}

function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName.replace(/\.$/, '');
  } catch {
    return undefined; // HostedZone.fromHostedZoneId: the name is not known
  }
}
