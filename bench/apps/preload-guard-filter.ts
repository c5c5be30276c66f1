/**
 * `node -r` preload, a measured proposal: the Control Tower (cfn-guard) plugin passes cfn-guard only
 * the rule files that name a resource type present in the templates being checked. cfn-guard parses
 * and evaluates every one of the ~240 rule files against every template (about 0.5 s per template
 * before any rule applies); a template of 20 resource types meets about 30 of them. Rule files that
 * name no resource type are always kept. The findings are the same (the bench compares the reports).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

const TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;
const typesOfRule = new Map<string, Set<string>>();

function ruleFiles(p: string): string[] {
  return fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((f) => ruleFiles(path.join(p, f))) : [p];
}

function typesIn(file: string): Set<string> {
  let types = typesOfRule.get(file);
  if (!types) {
    types = new Set(fs.readFileSync(file, 'utf-8').match(TYPE) ?? []);
    typesOfRule.set(file, types);
  }
  return types;
}

const proto = CfnGuardValidator.prototype as any;
proto.validate = function validate(context: { templatePaths: string[] }) {
  const present = new Set<string>();
  for (const t of context.templatePaths) {
    for (const r of Object.values<any>(JSON.parse(fs.readFileSync(t, 'utf-8')).Resources ?? {})) present.add(r.Type);
  }
  const rules = (this.rulesPaths as string[]).flatMap(ruleFiles)
    .filter((f) => f.endsWith('.guard') && !this.disabledRules.includes(path.parse(f).name))
    .filter((f) => { const types = typesIn(f); return types.size === 0 || [...types].some((x) => present.has(x)); });
  if (rules.length === 0) return { success: true, violations: [] };
  return this.execGuard({ templatePaths: context.templatePaths, rulePaths: rules });
};
