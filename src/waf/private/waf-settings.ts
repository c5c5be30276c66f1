import * as logs from 'aws-cdk-lib/aws-logs';
import { validateWebAclRules } from './rules-validation';
import { Validation } from '../../private/validation';
import type { WebAclRulesProps } from '../web-acl-rules';

/** What a construct takes under `waf`: the rules of the WebACL it creates and how long its logs are kept. */
export interface NestedWafSettings extends WebAclRulesProps {
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The checks of `waf` and `wafEnabled`, the same on every construct that puts a WebACL in front of
 * what it serves: settings only when the construct creates the WebACL, then the rules themselves
 * (problems named `waf.<rule prop>`).
 *
 * @param other a prop given instead of a created WebACL (e.g. `webAclArn`), if any
 */
export function validateWafSettings(v: Validation, waf: NestedWafSettings | undefined, wafEnabled: boolean, other?: string): void {
  if (waf === undefined) return;
  if (!wafEnabled) {
    v.fail('waf', waf, 'waf settings only with wafEnabled true (drop one of them)', 'given with wafEnabled false');
  } else if (other !== undefined) {
    v.fail('waf', waf, `waf settings only when the construct creates its WebACL (drop waf or ${other})`, `given with ${other}`);
  } else {
    v.within('waf.', (w) => {
      validateWebAclRules(w, waf);
      w.retention('logRetention', waf.logRetention);
    });
  }
}
