import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EdgeWebAcl } from './edge-web-acl';
import { metricPrefixOf, plainWebAcl } from './private/plain-web-acl';
import { validateWebAclRules } from './private/rules-validation';
import { WebAclRulesProps } from './web-acl-rules';
import { Validation } from '../private/validation';

/** Props of `CloudFrontWebAcl`. */
export interface CloudFrontWebAclProps extends WebAclRulesProps {
  /**
   * How long logs are kept: the WAF request logs (in us-east-1 either way) and, outside us-east-1,
   * the edge WebACL handler's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the WAF request logs (stack in us-east-1) or the edge WebACL
   * handler's logs (elsewhere; the request logs in us-east-1 then use CloudWatch Logs' own encryption).
   *
   * @default - a new key with rotation enabled
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * A WAF WebACL for CloudFront (scope CLOUDFRONT) from a stack in any region.
 *
 * - Stack in us-east-1: a plain `AWS::WAFv2::WebACL`, logging every request to an encrypted
 *   `aws-waf-logs-` log group.
 * - Stack in another region, or environment-agnostic (its region is unknown at synth): an
 *   `EdgeWebAcl` custom resource that keeps the WebACL in us-east-1. It works in every region,
 *   us-east-1 included, so an environment-agnostic stack needs no CloudFormation condition.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { CloudFrontWebAcl } from 'cdk-rampart';
 *
 * const acl = new CloudFrontWebAcl(this, 'Waf', { geoDenyList: ['KP'] });
 * new cloudfront.Distribution(this, 'Cdn', { webAclId: acl.webAclArn, defaultBehavior: { origin } });
 */
export class CloudFrontWebAcl extends Construct {
  /** The WebACL's ARN, for `Distribution.webAclId`. */
  public readonly webAclArn: string;
  /** The plain WebACL, when the stack is in us-east-1. */
  public readonly webAcl?: CfnWebACL;
  /** The custom resource keeping the WebACL in us-east-1, when the stack is elsewhere or environment-agnostic. */
  public readonly edgeWebAcl?: EdgeWebAcl;
  /** The WAF request log group, when the stack is in us-east-1. */
  public readonly logGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: CloudFrontWebAclProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const v = new Validation('CloudFrontWebAcl', this);
    validateWebAclRules(v, props);
    v.retention('logRetention', logRetention);
    v.throwIfInvalid();

    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region === 'us-east-1') {
      const acl = plainWebAcl(this, 'CLOUDFRONT', props, metricPrefixOf(this), { retention: logRetention, encryptionKey: props.logEncryptionKey });
      this.webAcl = acl.webAcl;
      this.logGroup = acl.logGroup;
      this.webAclArn = acl.webAcl.attrArn;
    } else {
      const { logRetention: _r, logEncryptionKey: _k, ...rules } = props;
      this.edgeWebAcl = new EdgeWebAcl(this, 'Edge', {
        ...rules,
        handlerLogRetention: logRetention,
        handlerLogEncryptionKey: props.logEncryptionKey,
        requestLogRetention: logRetention,
      });
      this.webAclArn = this.edgeWebAcl.webAclArn;
    }
  }
}
