import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';

/** WAF API names that are not the camelCase name with its first letter raised (CloudFormation writes `Arn`, the API `ARN`). */
const API_NAMES: Record<string, string> = { ipSetReferenceStatement: 'IPSetReferenceStatement', arn: 'ARN' };

/**
 * The rules in WAF API shape (PascalCase keys, `IPSetReferenceStatement` and `ARN`), as the
 * WAFv2 API expects them: the wire format of the `EdgeWebAcl` handler, not part of the public API.
 */
export function rulesToApiShape(rules: CfnWebACL.RuleProperty[]): Array<Record<string, unknown>> {
  return toPascal(rules) as Array<Record<string, unknown>>;
}

function toPascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPascal);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [API_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1), toPascal(v)]));
  }
  return value;
}
