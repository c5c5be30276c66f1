import { Names, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnIPSet, CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { secureKey } from '../../private/kms-key';
import { WebAclRules, WebAclRulesProps } from '../web-acl-rules';

/** Where a plain WebACL sends its request logs. */
export interface PlainWebAclLogging {
  readonly retention: logs.RetentionDays;
  readonly encryptionKey?: kms.IKey;
}

/** What `plainWebAcl` created. */
export interface PlainWebAcl {
  readonly webAcl: CfnWebACL;
  readonly ipSets: CfnIPSet[];
  readonly logGroup: logs.LogGroup;
  readonly encryptionKey: kms.IKey;
}

/**
 * A WebACL as plain CloudFormation (`AWS::WAFv2::WebACL` and its `AWS::WAFv2::IPSet`s) in the
 * stack's own region, logging every request to an encrypted CloudWatch log group: used for
 * REGIONAL ACLs, and for CLOUDFRONT ACLs when the stack is in us-east-1.
 */
export function plainWebAcl(scope: Construct, wafScope: 'REGIONAL' | 'CLOUDFRONT', props: WebAclRulesProps,
  metricPrefix: string, logging: PlainWebAclLogging): PlainWebAcl {
  const ipSetArns: Record<string, string> = {};
  const ipSets = WebAclRules.ipSets(props).map((spec) => {
    const ipSet = new CfnIPSet(scope, `IpSet${spec.key}`, {
      scope: wafScope,
      ipAddressVersion: spec.ipAddressVersion,
      addresses: spec.addresses,
      description: `${spec.key} list of ${scope.node.path}`.slice(0, 256),
    });
    ipSetArns[spec.key] = ipSet.attrArn;
    return ipSet;
  });
  const webAcl = new CfnWebACL(scope, 'WebAcl', {
    scope: wafScope,
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${metricPrefix}WebAcl` },
    rules: WebAclRules.rules(props, metricPrefix, ipSetArns),
  });

  const encryptionKey = logging.encryptionKey ?? secureKey(scope, 'LogKey', { description: `Encrypts the WAF request logs of ${scope.node.path}`, forLogs: true });
  // WAF only logs to destinations whose name starts with `aws-waf-logs-`.
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    logGroupName: `aws-waf-logs-${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}`,
    retention: logging.retention,
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new CfnLoggingConfiguration(scope, 'Logging', {
    resourceArn: webAcl.attrArn,
    logDestinationConfigs: [logGroup.logGroupArn],
  });
  return { webAcl, ipSets, logGroup, encryptionKey };
}

/** A CloudWatch metric name prefix from a construct: letters and digits of its id, at most 64. */
export function metricPrefixOf(scope: Construct): string {
  return scope.node.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || 'Rampart';
}
