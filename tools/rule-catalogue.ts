/**
 * Writes src/compliance/private/rule-catalogue.generated.ts: every rule id `Compliance.acknowledge`
 * accepts, read from the installed packs.
 *
 * - cdk-nag: each pack's rule ids, enumerated by running the pack's `checkResource` on a dummy
 *   resource with `applyRule` recording instead of checking (every pack applies every rule to
 *   every resource and lets the rule decide).
 * - Control Tower: the name of each cfn-guard rule file's reporting rule (`rule <name> when
 *   is_cfn_template(...)`), which is the id a finding carries, and the control id (CT.S3.PR.1) of
 *   each file, to point from one to the other.
 * - CloudFormation schema: the rule ids aws-cdk-lib's validator lists (`listRules()`).
 *
 * Generated once at build time rather than read at synth: loading the five cdk-nag packs costs
 * about 1.2 s and the schema validator about 3 s, while `acknowledge` runs in every construct.
 * test/compliance/rule-catalogue.test.ts fails when the file is stale (after a pack upgrade).
 *
 *   npx ts-node --swc tools/rule-catalogue.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { controlTowerRulesDirectory } from '../src/compliance/private/control-tower-checks';
import { NAG_PACK_MODULES } from '../src/compliance/private/packs';

export const CATALOGUE_FILE = path.resolve(__dirname, '..', 'src', 'compliance', 'private', 'rule-catalogue.generated.ts');

export interface RuleCatalogue {
  readonly versions: Record<string, string>;
  readonly nag: Record<string, string[]>;
  /** The cdk-nag check (rule function) behind each cdk-nag rule id: ids sharing a check are the same rule in different packs. */
  readonly nagChecks: Record<string, string>;
  readonly controlTower: Record<string, string>;
  readonly schema: string[];
}

function versionOf(pkg: string, from?: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, from ? { paths: [from] } : undefined), 'utf-8')).version;
}

function nagRules(): { rules: Record<string, string[]>; checks: Record<string, string> } {
  const stack = new Stack(new App(), 'Catalogue');
  const dummy = new CfnResource(stack, 'Dummy', { type: 'Catalogue::Dummy::Resource' });
  const out: Record<string, string[]> = {};
  const checks: Record<string, string> = {};
  for (const [pack, { module, className }] of Object.entries(NAG_PACK_MODULES)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const PackClass = require(module)[className];
    const instance = new PackClass();
    const ids = new Set<string>();
    instance.applyRule = (p: { ruleSuffixOverride?: string; rule: { name: string } }) => {
      const id = `${pack}-${p.ruleSuffixOverride ?? p.rule.name}`;
      ids.add(id);
      checks[id] = p.rule.name;
    };
    instance.checkResource(dummy);
    out[pack] = [...ids].sort();
  }
  return { rules: out, checks: Object.fromEntries(Object.entries(checks).sort(([a], [b]) => a.localeCompare(b))) };
}

/** Reporting rule name → control id, from every rule file. */
function controlTowerRules(): Record<string, string> {
  const root = controlTowerRulesDirectory();
  const metadataRoot = path.join(root, '..', 'metadata');
  const out: Record<string, string> = {};
  const walk = (dir: string): string[] => fs.readdirSync(dir).sort().flatMap((f) => {
    const p = path.join(dir, f);
    return fs.statSync(p).isDirectory() ? walk(p) : p.endsWith('.guard') ? [p] : [];
  });
  for (const file of walk(root)) {
    const text = fs.readFileSync(file, 'utf-8');
    const names = [...new Set([...text.matchAll(/^rule (\w+) when is_cfn_template\(/gm)].map((m) => m[1]))];
    if (names.length !== 1) throw new Error(`rule-catalogue: ${file} has ${names.length} reporting rules (${names.join(', ')}); expected one`);
    const metadataFile = path.join(metadataRoot, path.relative(root, file).replace(/\.guard$/, '.metadata.json'));
    const id = fs.existsSync(metadataFile) ? JSON.parse(fs.readFileSync(metadataFile, 'utf-8')).Id : path.basename(file, '.guard');
    out[names[0]] = id;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function schemaRules(): string[] {
  const cdkLib = require.resolve('aws-cdk-lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validate = require(require.resolve('@aws/cloudformation-validate', { paths: [cdkLib] }));
  const engine = new validate.CompositeEngine({});
  try {
    return [...new Set((engine.listRules() as Array<{ id: string }>).map((r) => r.id))].sort();
  } finally {
    engine.free?.();
  }
}

export function buildCatalogue(): RuleCatalogue {
  const cdkLib = require.resolve('aws-cdk-lib');
  const nag = nagRules();
  return {
    versions: {
      'aws-cdk-lib': versionOf('aws-cdk-lib'),
      '@aws/cloudformation-validate': versionOf('@aws/cloudformation-validate', cdkLib),
      'cdk-nag': versionOf('cdk-nag'),
      '@cdklabs/cdk-validator-cfnguard': versionOf('@cdklabs/cdk-validator-cfnguard'),
    },
    nag: nag.rules,
    nagChecks: nag.checks,
    controlTower: controlTowerRules(),
    schema: schemaRules(),
  };
}

export function renderCatalogue(c: RuleCatalogue): string {
  const list = (ids: string[]) => `[\n${ids.map((id) => `  '${id}',`).join('\n')}\n]`;
  return [
    '// Generated by tools/rule-catalogue.ts from the installed packs; do not edit.',
    `// ${Object.entries(c.versions).map(([p, v]) => `${p} ${v}`).join(', ')}`,
    '',
    '/** Rule ids of each cdk-nag pack, by pack name. */',
    'export const NAG_RULES: Readonly<Record<string, readonly string[]>> = {',
    ...Object.entries(c.nag).map(([pack, ids]) => `  '${pack}': ${list(ids).replace(/\n/g, '\n  ')},`),
    '};',
    '',
    '/** The cdk-nag check behind each cdk-nag rule id: ids that share a check are one rule in several packs. */',
    'export const NAG_RULE_CHECKS: Readonly<Record<string, string>> = {',
    ...Object.entries(c.nagChecks).map(([id, check]) => `  '${id}': '${check}',`),
    '};',
    '',
    '/** Control Tower rule names (the id a finding carries) and the control each belongs to. */',
    'export const CONTROL_TOWER_RULES: Readonly<Record<string, string>> = {',
    ...Object.entries(c.controlTower).map(([name, id]) => `  ${name}: '${id}',`),
    '};',
    '',
    '/** CloudFormation schema rule ids of aws-cdk-lib\'s validator. */',
    `export const SCHEMA_RULES: readonly string[] = ${list(c.schema)};`,
    '',
  ].join('\n');
}

if (require.main === module) {
  const text = renderCatalogue(buildCatalogue());
  fs.writeFileSync(CATALOGUE_FILE, text);
  console.log(`Wrote ${path.relative(process.cwd(), CATALOGUE_FILE)} (${Buffer.byteLength(text)} bytes)`);
}
