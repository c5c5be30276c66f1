import { CONTROL_TOWER_RULES, NAG_RULES, SCHEMA_RULES } from './rule-catalogue.generated';

/** The acknowledgement namespace of the Control Tower pack (its plugin name). */
export const CONTROL_TOWER_NAMESPACE = 'cdk-validator-cfnguard';
/** The acknowledgement namespace of aws-cdk-lib's CloudFormation schema rules. */
export const SCHEMA_NAMESPACE = 'CloudFormation-Validate';

const NAG_PACK = /^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321|Serverless)-/;
const CONTROL_ID = /^CT\.[A-Z0-9-]+\.PR\.\d+$/;

let catalogue: { nag: Map<string, ReadonlySet<string>>; controlTower: ReadonlySet<string>; schema: ReadonlySet<string> } | undefined;
function sets() {
  catalogue ??= {
    nag: new Map(Object.entries(NAG_RULES).map(([pack, ids]) => [pack, new Set(ids)])),
    controlTower: new Set(Object.keys(CONTROL_TOWER_RULES)),
    schema: new Set(SCHEMA_RULES),
  };
  return catalogue;
}

/** The result of checking a rule id: the id under which CDK files the acknowledgement, or why it is refused. */
export type RuleIdCheck =
  | { readonly namespaced: string; readonly problem?: undefined }
  | { readonly namespaced?: undefined; readonly problem: string };

/**
 * Check `ruleId` against the rule catalogue of the packs: a cdk-nag rule id of its pack (with an
 * optional finding part, `AwsSolutions-IAM5[Resource::*]`), a Control Tower rule name, or a
 * CloudFormation schema rule id, optionally namespaced (`AwsSolutions::AwsSolutions-S1`).
 */
export function checkRuleId(ruleId: unknown): RuleIdCheck {
  if (typeof ruleId !== 'string' || ruleId.trim() === '') return { problem: `ruleId: '${String(ruleId)}' is empty; use a rule id as the report prints it, e.g. 'AwsSolutions-S1'` };
  const id = ruleId.trim();
  // `Pack::Rule[Finding::detail]`: only a `::` before the finding bracket separates a namespace.
  const m = /^([^[]+?)::(.+)$/.exec(id);
  const [namespace, rest] = m && !m[1].includes('[') ? [m[1], m[2]] : [undefined, id];
  const base = rest.includes('[') ? rest.slice(0, rest.indexOf('[')) : rest;
  const finding = rest.slice(base.length);
  if (finding !== '' && !/^\[.+\]$/.test(finding)) {
    return { problem: `ruleId: '${ruleId}' has a malformed finding part '${finding}'; write it as the report prints it, e.g. 'AwsSolutions-IAM5[Resource::*]'` };
  }
  const { nag, controlTower, schema } = sets();

  const pack = NAG_PACK.exec(base)?.[1];
  if (pack !== undefined) {
    if (namespace !== undefined && namespace !== pack) return { problem: `ruleId: '${ruleId}' puts a ${pack} rule under the namespace '${namespace}'; use '${pack}::${rest}' or just '${rest}'` };
    if (!nag.get(pack)!.has(base)) return { problem: unknown(ruleId, base, `a rule of the ${pack} pack`, [...nag.get(pack)!]) };
    return { namespaced: `${pack}::${rest}` };
  }
  if (finding !== '') return { problem: unknown(ruleId, base, 'a cdk-nag rule (only cdk-nag ids take a [finding] part)', allIds()) };
  if (schema.has(base)) {
    return namespace === undefined || namespace === SCHEMA_NAMESPACE ? { namespaced: `${SCHEMA_NAMESPACE}::${base}` } : { problem: wrongNamespace(ruleId, namespace, SCHEMA_NAMESPACE, base) };
  }
  if (controlTower.has(base)) {
    return namespace === undefined || namespace === CONTROL_TOWER_NAMESPACE ? { namespaced: `${CONTROL_TOWER_NAMESPACE}::${base}` } : { problem: wrongNamespace(ruleId, namespace, CONTROL_TOWER_NAMESPACE, base) };
  }
  if (CONTROL_ID.test(base)) {
    const names = Object.entries(CONTROL_TOWER_RULES).filter(([, control]) => control === base).map(([name]) => name);
    return {
      problem: names.length > 0
        ? `ruleId: '${ruleId}' is a Control Tower control id; acknowledge the rule name its findings carry: ${names.map((n) => `'${n}'`).join(', ')}`
        : unknown(ruleId, base, 'a Control Tower control shipped with @cdklabs/cdk-validator-cfnguard', Object.values(CONTROL_TOWER_RULES)),
    };
  }
  const kind = /^[EFIW]\d{4}$/.test(base) ? 'a CloudFormation schema rule id' : /^[a-z0-9_]+$/.test(base) ? 'a Control Tower rule name' : 'a rule id of any pack';
  const candidates = kind.startsWith('a CloudFormation') ? [...schema] : kind.startsWith('a Control') ? [...controlTower] : allIds();
  return { problem: unknown(ruleId, base, kind, candidates) };
}

function allIds(): string[] {
  const { nag, controlTower, schema } = sets();
  return [...[...nag.values()].flatMap((s) => [...s]), ...controlTower, ...schema];
}

function wrongNamespace(ruleId: string, namespace: string, expected: string, base: string): string {
  return `ruleId: '${ruleId}' puts '${base}' under the namespace '${namespace}'; use '${expected}::${base}' or just '${base}'`;
}

function unknown(ruleId: string, base: string, what: string, candidates: string[]): string {
  const closest = closestIds(base, candidates);
  return `ruleId: '${ruleId}' is not ${what}${closest.length > 0 ? `; closest: ${closest.map((c) => `'${c}'`).join(', ')}` : ''}`;
}

/** Up to three ids nearest to `id` by edit distance (case-insensitive), nearest first. */
export function closestIds(id: string, candidates: string[], count = 3): string[] {
  const target = id.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(target, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, count)
    .map((x) => x.c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
