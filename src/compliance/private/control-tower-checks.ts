import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { CfnGuardValidator, CfnGuardValidatorProps } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { sha256Of } from './gated-pack';
import { loadPeer } from './packs';

const VALIDATOR_PACKAGE = '@cdklabs/cdk-validator-cfnguard';

/** The validator class, loaded on first use (never by `require('cdk-rampart')`). */
function validatorClass(): new (props: CfnGuardValidatorProps) => CfnGuardValidator {
  return loadPeer<{ CfnGuardValidator: new (props: CfnGuardValidatorProps) => CfnGuardValidator }>(VALIDATOR_PACKAGE, 'the Control Tower pack').CfnGuardValidator;
}

/** The directory of the Control Tower cfn-guard rule files shipped in the validator package. */
export function controlTowerRulesDirectory(): string {
  return path.join(path.dirname(require.resolve(`${VALIDATOR_PACKAGE}/package.json`)), 'rules', 'control-tower', 'cfn-guard');
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The environment variable naming a directory where the Control Tower pack keeps what cfn-guard
 * found in each template, keyed by the SHA-256 of the validator's version, the rule files' content
 * and the template's bytes, and reuses it for an identical template (a test run synthesizing the
 * same stack in several files, or a repeated `cdk synth`). cfn-guard's result is a function of
 * exactly those inputs, so a reused result is the result a new run would give. Unset: no cache.
 */
export const GUARD_CACHE_VARIABLE = 'RAMPART_CFN_GUARD_CACHE';

/** The stand-in for a template's path in a cached result. */
const TEMPLATE_PLACEHOLDER = '<template>';

interface GuardResult {
  readonly success: boolean;
  readonly violations: PolicyViolation[];
}

/**
 * AWS Control Tower's proactive controls, run by cfn-guard (@cdklabs/cdk-validator-cfnguard), given
 * each template on its own with only the rule files that can apply to it: those naming a resource
 * type present in that template (and any that name none). cfn-guard parses and evaluates every rule file it is given against every
 * template, so the ~240 bundled files cost seconds per template while a template of twenty resource
 * types meets a few dozen of them. The findings are the same; the plugin name, and with it the
 * acknowledgement namespace `cdk-validator-cfnguard::`, is unchanged.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly ruleFiles: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly ruleHashes: ReadonlyMap<string, string>;

  constructor() {
    const Validator = validatorClass();
    const all = new Validator({ controlTowerRulesEnabled: true });
    this.name = all.name;
    this.version = all.version;
    this.ruleIds = all.ruleIds;
    const rulesDir = controlTowerRulesDirectory();
    const texts = guardFiles(rulesDir).map((f) => [f, fs.readFileSync(f, 'utf-8')] as const);
    this.ruleFiles = new Map(texts.map(([f, text]) => [f, new Set(text.match(RESOURCE_TYPE) ?? [])]));
    this.ruleHashes = new Map(texts.map(([f, text]) => [f, sha256(text)]));
  }

  /** The rule files that can apply to templates holding these resource types. */
  public rulesFor(resourceTypes: ReadonlySet<string>): string[] {
    return [...this.ruleFiles]
      .filter(([, types]) => types.size === 0 || [...types].some((t) => resourceTypes.has(t)))
      .map(([file]) => file);
  }

  /**
   * Each template is checked on its own, with the rule files that can apply to it: cfn-guard evaluates
   * every rule file it is given against every template it is given (a rule naming types a template
   * lacks is skipped there, but only after the template has been walked for it), so one run with the
   * union of rules costs the sum over templates of (all the app's rules x template size), and a run
   * per template the sum of (its own rules x its size). cfn-guard also evaluates each data file on
   * its own, so the findings are the same; they are merged back into one violation per rule.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const Validator = validatorClass();
    const byRule = new Map<string, PolicyViolation>();
    let success = true;
    for (const template of context.templatePaths) {
      const rules = this.rulesFor(resourceTypesIn([template]));
      if (rules.length === 0) continue;
      const report = this.cached(rules, template, () => {
        const result = new Validator({ controlTowerRulesEnabled: false, rules }).validate({ ...context, templatePaths: [template] });
        return { success: result.success, violations: result.violations };
      });
      success = success && report.success;
      for (const violation of report.violations.map(withoutLookupTraces)) {
        const seen = byRule.get(violation.ruleName);
        byRule.set(violation.ruleName, seen
          ? { ...seen, violatingResources: [...seen.violatingResources, ...violation.violatingResources] }
          : violation);
      }
    }
    return { success: success && byRule.size === 0, violations: [...byRule.values()] };
  }

  /** `run()`'s result for this template and these rules, from the cache directory when one is set and holds it. */
  private cached(rules: string[], template: string, run: () => GuardResult): GuardResult {
    const dir = process.env[GUARD_CACHE_VARIABLE];
    if (!dir) return run();
    const key = sha256([this.version ?? '', ...rules.map((r) => this.ruleHashes.get(r)!), sha256Of(template)].join('\n'));
    const file = path.join(dir, `${key}.json`);
    // One template per run: every violating resource sits in it, whatever path cfn-guard printed.
    const relocate = (result: GuardResult, to: string): GuardResult => ({
      success: result.success,
      violations: result.violations.map((v) => ({ ...v, violatingResources: v.violatingResources.map((r) => ({ ...r, templatePath: to })) })),
    });
    if (fs.existsSync(file)) return relocate(JSON.parse(fs.readFileSync(file, 'utf-8')) as GuardResult, template);
    const result = run();
    fs.mkdirSync(dir, { recursive: true });
    const partial = path.join(dir, `.${key}.${process.pid}`);
    fs.writeFileSync(partial, JSON.stringify(relocate(result, TEMPLATE_PLACEHOLDER)));
    fs.renameSync(partial, file);
    return result;
  }
}

function sha256(data: string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * A finding without its lookup traces: when a rule follows a reference (`Fn::GetAtt` / `Ref`) and
 * finds no resource of the expected type, cfn-guard also reports the failed lookup, whose location is
 * empty (the query found nothing) or the whole `/Resources` section; the validator turns that into a violating resource
 * with no logical id, which no acknowledgement can reach. It is the same finding as the resource
 * holding the reference, so it is dropped when the rule has located that resource in the same
 * template, and kept otherwise.
 */
function withoutLookupTraces(v: PolicyViolation): PolicyViolation {
  const located = new Set(v.violatingResources.filter((r) => r.resourceLogicalId).map((r) => r.templatePath));
  const isTrace = (r: PolicyViolation['violatingResources'][number]) =>
    !r.resourceLogicalId && located.has(r.templatePath) && r.locations.every((l) => l === '' || l === '/Resources');
  return v.violatingResources.some(isTrace) ? { ...v, violatingResources: v.violatingResources.filter((r) => !isTrace(r)) } : v;
}

function guardFiles(p: string): string[] {
  return fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).sort().flatMap((f) => guardFiles(path.join(p, f)))
    : p.endsWith('.guard') ? [p] : [];
}

function resourceTypesIn(templatePaths: string[]): Set<string> {
  const types = new Set<string>();
  for (const file of templatePaths) {
    const template = JSON.parse(fs.readFileSync(file, 'utf-8')) as { Resources?: Record<string, { Type?: string }> };
    for (const r of Object.values(template.Resources ?? {})) if (r.Type) types.add(r.Type);
  }
  return types;
}
