import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { RULE_FAMILIES } from '../compliance/private/rule-families';

/**
 * cdk-nag's rendering of a resolved CloudFormation value in finding ids (its `flattenCfnReference`,
 * which it does not export): `${X}` and `Ref` become `<X>`, `Fn::GetAtt` `<Id.Attr>`, joins are joined.
 */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const n = node as Record<string, any>;
  if (n['Fn::Join']) {
    const [delimiter, items] = n['Fn::Join'];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (n['Fn::Sub']) return flattenCfnReference(n['Fn::Sub']);
  if (n['Fn::GetAtt']) return `<${flattenCfnReference(n['Fn::GetAtt'][0])}.${flattenCfnReference(n['Fn::GetAtt'][1])}>`;
  if (n['Fn::ImportValue']) return flattenCfnReference(n['Fn::ImportValue']);
  if (n.Ref) return `<${flattenCfnReference(n.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * The text cdk-nag prints for a value in `scope`'s stack (e.g. `<BucketABC.Arn>/*` for
 * `bucket.arnForObjects('*')`), so that one wildcard finding can be acknowledged by its exact id:
 * `AwsSolutions-IAM5[Resource::<that text>]`.
 */
export function nagResourceText(scope: IConstruct, value: unknown): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/** The same rule in each pack that has it. */
function inPacks(rule: string, packs: string[]): string[] {
  return packs.map((pack) => `${pack}-${rule}`);
}

const NIST_HIPAA_PCI = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** Bucket not replicated to another region. */
export const S3_REPLICATION_RULES = RULE_FAMILIES[RuleFamily.S3_REPLICATION];
/** Bucket not encrypted with a KMS key by default (cdk-nag and Control Tower). */
export const S3_KMS_RULES = RULE_FAMILIES[RuleFamily.S3_KMS_ENCRYPTION];
/** Bucket without server access logging (cdk-nag's NIST, HIPAA and PCI packs). */
export const S3_LOGGING_RULES = inPacks('S3BucketLoggingEnabled', NIST_HIPAA_PCI);
/** A load balancer listener without an ACM certificate. */
export const ELBV2_ACM_RULES = inPacks('ELBv2ACMCertificateRequired', NIST_HIPAA_PCI);
/** An inline IAM policy. */
export const INLINE_POLICY_RULES = RULE_FAMILIES[RuleFamily.IAM_INLINE_POLICY];

/** Acknowledge each of `ruleIds` on `scope` with the one reason that holds for all of them. */
export function acknowledgeEach(scope: IConstruct, ruleIds: readonly string[], reason: string): void {
  for (const ruleId of ruleIds) Compliance.acknowledge(scope, ruleId, reason);
}
