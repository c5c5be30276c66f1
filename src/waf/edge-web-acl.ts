import { Aws, CustomResource, Duration, Fn, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { EdgeWebAclFunction } from './edge-web-acl-function';
import { rulesToApiShape } from './private/api-shape';
import { metricPrefixOf } from './private/plain-web-acl';
import { validateWebAclRules } from './private/rules-validation';
import { WebAclRules, WebAclRulesProps } from './web-acl-rules';
import { secureKey } from '../private/kms-key';
import { Validation } from '../private/validation';

/** Props of `EdgeWebAcl`. */
export interface EdgeWebAclProps extends WebAclRulesProps {
  /**
   * A description of the WebACL.
   *
   * @default - the construct path
   */
  readonly description?: string;

  /**
   * How long the custom resource handler's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly handlerLogRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the handler's log group.
   *
   * @default - a new key with rotation enabled
   */
  readonly handlerLogEncryptionKey?: kms.IKey;

  /**
   * How long the WebACL's request logs are kept in their us-east-1 log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly requestLogRetention?: logs.RetentionDays;
}

/**
 * A CLOUDFRONT-scope WAF WebACL kept in us-east-1 from a stack in any region (or an
 * environment-agnostic one), by a custom resource.
 *
 * CloudFront only accepts WebACLs that live in us-east-1, and CloudFormation can only create
 * resources in the stack's own region. The handler (bundled at build time) calls WAF in us-east-1:
 * it creates the WebACL and the IP sets its rules reference, updates them in place (with the lock
 * token, retrying on conflicts) when the rules change, and deletes them with the stack.
 *
 * The WebACL is named after the construct path and the stack's region, so the same stack deployed
 * to two regions of one account gets two WebACLs. Metrics and sampled requests are on, and WAF
 * logs every request to a CloudWatch Logs log group in us-east-1 named `aws-waf-logs-<WebACL name>`,
 * which the handler creates with its retention (`requestLogRetention`) and keeps when the WebACL is
 * deleted (WAF accepts only a destination in the WebACL's region, which CloudFormation in another
 * region cannot create).
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { EdgeWebAcl } from 'cdk-rampart';
 *
 * const acl = new EdgeWebAcl(this, 'Waf', { rateLimit: 500 });
 * new cloudfront.Distribution(this, 'Cdn', { webAclId: acl.webAclArn, defaultBehavior: { origin } });
 */
export class EdgeWebAcl extends Construct {
  /** The WebACL's ARN (in us-east-1), for `Distribution.webAclId`. */
  public readonly webAclArn: string;
  /** The WebACL's id. */
  public readonly webAclId: string;
  /** The WebACL's name. */
  public readonly webAclName: string;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The handler function. */
  public readonly handler: lambda.Function;
  /** The name of the us-east-1 log group that receives the WebACL's request logs (`aws-waf-logs-...`). */
  public readonly requestLogGroupName: string;
  /** The ARN of that log group. */
  public readonly requestLogGroupArn: string;

  private readonly baseName: string;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps = {}) {
    super(scope, id);
    const handlerLogRetention = props.handlerLogRetention ?? logs.RetentionDays.ONE_YEAR;
    const requestLogRetention = props.requestLogRetention ?? logs.RetentionDays.ONE_YEAR;
    const description = props.description ?? `WebACL of ${this.node.path}`;

    const v = new Validation('EdgeWebAcl', this);
    validateWebAclRules(v, props);
    v.retention('handlerLogRetention', handlerLogRetention);
    v.retention('requestLogRetention', requestLogRetention);
    v.check('requestLogRetention', requestLogRetention, requestLogRetention !== logs.RetentionDays.INFINITE, 'a retention in days', 'INFINITE');
    v.throwIfInvalid();

    // One WebACL per stack region: the same stack in two regions of an account must not share it.
    const baseName = Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    this.baseName = baseName;
    const name = Fn.join('-', [baseName, Aws.REGION]);
    const requestLogGroupName = Fn.join('-', ['aws-waf-logs', baseName, Aws.REGION]);
    this.requestLogGroupName = requestLogGroupName;
    this.requestLogGroupArn = `arn:${Aws.PARTITION}:logs:us-east-1:${Aws.ACCOUNT_ID}:log-group:${requestLogGroupName}`;
    const metricPrefix = metricPrefixOf(this);
    const ipSets = WebAclRules.ipSets(props);
    const placeholders = Object.fromEntries(ipSets.map((s) => [s.key, `\${IpSet:${s.key}}`]));

    const logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: handlerLogRetention,
      encryptionKey: props.handlerLogEncryptionKey ?? secureKey(this, 'HandlerLogKey', { description: `Encrypts the logs of ${this.node.path}`, forLogs: true }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Keeps the us-east-1 WebACL of ${this.node.path}`.slice(0, 1000),
    });
    const wafArn = (type: string, resourceName: string) =>
      `arn:${Aws.PARTITION}:wafv2:us-east-1:${Aws.ACCOUNT_ID}:global/${type}/${resourceName}`;
    // A customer-managed policy holds every permission: nothing is added inline behind our back.
    const policy = new iam.ManagedPolicy(this, 'HandlerPolicy', {
      roles: [role],
      description: `Least privilege for the EdgeWebAcl handler of ${this.node.path}`.slice(0, 1000),
      statements: [
        new iam.PolicyStatement({
          sid: 'ThisWebAcl',
          actions: ['wafv2:CreateWebACL', 'wafv2:GetWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL'],
          resources: [wafArn('webacl', `${name}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ThisWebAclLogging',
          actions: ['wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration'],
          resources: [wafArn('webacl', `${name}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'RequestLogGroup',
          actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
          resources: [this.requestLogGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'RequestLogDelivery',
          // What WAF needs from its caller to deliver the logs to CloudWatch Logs (it adds the log
          // group's resource policy itself); these actions have no resource-level permissions.
          actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        }),
        new iam.PolicyStatement({
          sid: 'ItsIpSets',
          // Creating or updating the WebACL also needs access to the IP sets its rules reference.
          actions: ['wafv2:CreateIPSet', 'wafv2:GetIPSet', 'wafv2:UpdateIPSet', 'wafv2:DeleteIPSet',
            'wafv2:CreateWebACL', 'wafv2:UpdateWebACL'],
          resources: [wafArn('ipset', `${name}-*/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'FindByNameAfterRetry',
          actions: ['wafv2:ListWebACLs', 'wafv2:ListIPSets'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        }),
        new iam.PolicyStatement({
          sid: 'OwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          // The log group's ARN ends in ':*' and so names its streams, whatever Lambda calls them.
          resources: [logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'Traces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });

    this.handler = new EdgeWebAclFunction(this, 'Handler', {
      description: 'Keeps a CloudFront WAF WebACL in us-east-1 (EdgeWebAcl custom resource)',
      // Its permissions are the managed policy above, complete: the function must not add inline ones.
      role: role.withoutPolicyUpdates(),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(5),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    this.handler.node.addDependency(policy);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::EdgeWebAcl',
      removalPolicy: RemovalPolicy.DESTROY,
      properties: {
        Name: name,
        Description: description.replace(/[^\w+=:#@/\-,. ]/g, ' ').slice(0, 256),
        MetricName: `${metricPrefix}WebAcl`,
        Rules: rulesToApiShape(WebAclRules.rules(props, metricPrefix, placeholders)),
        IpSets: ipSets.map((s) => ({ Key: s.key, IPAddressVersion: s.ipAddressVersion, Addresses: s.addresses })),
        LogGroupName: requestLogGroupName,
        LogRetentionDays: requestLogRetention,
      },
    });
    // The handler must keep its permissions until the WebACL is deleted.
    this.resource.node.addDependency(policy);

    this.webAclArn = this.resource.getAttString('Arn');
    this.webAclId = this.resource.getAttString('Id');
    this.webAclName = this.resource.getAttString('Name');

    this.acknowledgeHandlerFindings(policy);
  }

  private acknowledgeHandlerFindings(policy: iam.ManagedPolicy): void {
    // cdk-nag names each wildcard finding after the resource as it renders it.
    const name = `${this.baseName}-<AWS::Region>`;
    Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:wafv2:us-east-1:<AWS::AccountId>:global/webacl/${name}/*]`,
      'WAF assigns the WebACL id at creation; the ARN is fixed to this WebACL by its name, only the id is a wildcard.');
    Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:wafv2:us-east-1:<AWS::AccountId>:global/ipset/${name}-*/*]`,
      'The IP sets of this WebACL are named after it with a key suffix (AllowIPv4, DenyIPv6...); WAF assigns their ids at creation.');
    Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
      'wafv2:ListWebACLs/ListIPSets (used only to find this WebACL after a retried create), the CloudWatch Logs delivery actions WAF needs to deliver the request logs '
      + '(CreateLogDelivery, DeleteLogDelivery, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups; all limited to us-east-1 by aws:RequestedRegion) '
      + 'and xray:PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.');
    const fn = this.handler.node.defaultChild as lambda.CfnFunction;
    const cfnReason = 'CloudFormation invokes this custom-resource handler only on stack create, update and delete;';
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_CONCURRENCY,
      `${cfnReason} it runs a handful of times per deployment, and reserving concurrency would take it from the account's pool (and fails on accounts at the minimum quota).`);
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_DEAD_LETTER_QUEUE,
      `${cfnReason} every failure is reported to CloudFormation through the response URL (the deployment fails and rolls back), so a dead-letter queue would hold nothing actionable.`);
    const vpcReason = 'It only calls the WAF API in us-east-1 (a public AWS endpoint, over TLS, signed with its role); it reaches no private resource, so a VPC would only add NAT or endpoint cost.';
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_INSIDE_VPC, vpcReason);
  }
}
