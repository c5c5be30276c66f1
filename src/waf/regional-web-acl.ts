import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { metricPrefixOf, plainWebAcl } from './private/plain-web-acl';
import { validateWebAclRules } from './private/rules-validation';
import { WebAclRulesProps } from './web-acl-rules';
import { Validation } from '../private/validation';

/** Props of `RegionalWebAcl`. */
export interface RegionalWebAclProps extends WebAclRulesProps {
  /**
   * How long the WAF request logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the WAF request logs. Its policy must let the CloudWatch Logs service use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * A regional WAF WebACL (API Gateway, ALB, AppSync, Cognito) with AWS managed rule groups, a
 * rate-based rule per client IP and optional geo / IP lists; metrics and sampled requests on, and
 * every request logged to an encrypted CloudWatch log group (`aws-waf-logs-...`).
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { RegionalWebAcl } from 'cdk-rampart';
 *
 * const acl = new RegionalWebAcl(this, 'Waf', { rateLimit: 500 });
 * acl.associate('Api', api.deploymentStage.stageArn);
 */
export class RegionalWebAcl extends Construct {
  /** The WebACL. */
  public readonly webAcl: CfnWebACL;
  /** The WebACL's ARN. */
  public readonly webAclArn: string;
  /** The log group receiving the WAF request logs. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const v = new Validation('RegionalWebAcl', this);
    validateWebAclRules(v, props);
    v.retention('logRetention', logRetention);
    v.throwIfInvalid();
    const acl = plainWebAcl(this, 'REGIONAL', props, metricPrefixOf(this), {
      retention: logRetention,
      encryptionKey: props.logEncryptionKey,
    });
    this.webAcl = acl.webAcl;
    this.webAclArn = acl.webAcl.attrArn;
    this.logGroup = acl.logGroup;
  }

  /**
   * Protect a regional resource (an API Gateway stage, an ALB, an AppSync API...) with this WebACL.
   *
   * @param id the id of the association construct
   * @param resourceArn the ARN of the resource to protect
   */
  public associate(id: string, resourceArn: string): CfnWebACLAssociation {
    return new CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAclArn });
  }
}
