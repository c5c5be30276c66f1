import { App, IPolicyValidationPlugin, Stack, Stage, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ControlTowerChecks } from './private/control-tower-checks';
import { GatedPack } from './private/gated-pack';
import { nagPack } from './private/packs';
import { RULE_FAMILIES } from './private/rule-families';
import { checkRuleId } from './private/rule-ids';
import { RuleFamily } from './rule-family';

/**
 * A rule pack that `Compliance` can register as a policy-validation plugin.
 *
 * The value of each member is the plugin name that appears in CDK's validation report,
 * and the namespace of its acknowledgement ids.
 */
export enum CompliancePack {
  /** cdk-nag AWS Solutions checks. */
  AWS_SOLUTIONS = 'AwsSolutions',
  /** cdk-nag NIST 800-53 rev 5 checks. */
  NIST_800_53_R5 = 'NIST.800.53.R5',
  /** cdk-nag HIPAA Security checks. */
  HIPAA_SECURITY = 'HIPAA.Security',
  /** cdk-nag PCI DSS 3.2.1 checks. */
  PCI_DSS_321 = 'PCI.DSS.321',
  /** cdk-nag Serverless checks. */
  SERVERLESS = 'Serverless',
  /** AWS Control Tower proactive controls, evaluated offline by cfn-guard (@cdklabs/cdk-validator-cfnguard). */
  CONTROL_TOWER = 'cdk-validator-cfnguard',
}

/** Options for `Compliance.enable()`. */
export interface ComplianceOptions {
  /**
   * The packs to run on every stack of the app.
   *
   * @default - every pack: `Compliance.DEFAULT_PACKS`
   */
  readonly packs?: CompliancePack[];

  /**
   * Turn aws-cdk-lib's CloudFormation schema findings (unknown properties, wrong types, bad enum
   * values) into errors instead of warnings. Costs a few seconds per synth.
   *
   * Sets the `@aws-cdk/core:validateAgainstDefaultRules` context, so `enable()` must then be called
   * before any stack is added to the app.
   *
   * @default false
   */
  readonly cloudFormationSchemaValidation?: boolean;

  /**
   * Print each cdk-nag rule's explanation next to its finding.
   *
   * @default false
   */
  readonly verbose?: boolean;
}

const SCHEMA_VALIDATION_CONTEXT = '@aws-cdk/core:validateAgainstDefaultRules';

/**
 * Compliance checks for a CDK app: cdk-nag packs and Control Tower proactive controls registered as
 * CDK policy-validation plugins, and acknowledgements that carry a reason and stay on one construct.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { Compliance, RuleFamily, SecureSite } from 'cdk-rampart';
 *
 * const shop = new App();
 * Compliance.of(shop).enable();
 * const site = new SecureSite(new Stack(shop, 'Site'), 'Site');
 * Compliance.acknowledgeFamily(site.logBucket, RuleFamily.S3_ACCESS_LOGGING, 'This bucket receives the access logs; logging it would loop.');
 */
export class Compliance {
  /** Every pack we ship checks for. */
  public static readonly DEFAULT_PACKS: CompliancePack[] = [
    CompliancePack.AWS_SOLUTIONS,
    CompliancePack.NIST_800_53_R5,
    CompliancePack.HIPAA_SECURITY,
    CompliancePack.PCI_DSS_321,
    CompliancePack.SERVERLESS,
    CompliancePack.CONTROL_TOWER,
  ];

  /**
   * The compliance settings of an app or stage.
   *
   * @param scope an `App` or a `Stage`
   */
  public static of(scope: IConstruct): Compliance {
    if (!Stage.isStage(scope)) {
      throw new Error(`Compliance.of(scope): scope must be an App or a Stage, got '${scope.node.path || '<root>'}'. Plugins run on a whole stage.`);
    }
    return new Compliance(scope);
  }

  /**
   * Acknowledge one finding on one construct, with the reason it is acceptable.
   *
   * The acknowledgement covers the construct and its children only: apps, stages and stacks are
   * refused, because an acknowledgement there would hide the finding on every resource they hold.
   * It is written to the validation report with its reason, where a reviewer reads it.
   *
   * @param scope the construct holding the finding (an L2 or its `CfnResource`)
   * @param ruleId the rule id as the report prints it, e.g. `AwsSolutions-S1`,
   *   `AwsSolutions-IAM5[Resource::*]`, `NIST.800.53.R5-LambdaInsideVPC` or a Control Tower rule name
   *   such as `s3_bucket_object_lock_enabled_check`, or a CloudFormation schema rule such as `F3002`; a namespaced id (`AwsSolutions::AwsSolutions-S1`)
   *   is accepted as is. It is checked against the rule catalogue of the packs: an id no pack has is
   *   refused, naming the closest real ids
   * @param reason why the finding is acceptable here: required, not blank
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    const problems: string[] = [];
    if (App.isApp(scope) || Stage.isStage(scope) || Stack.isStack(scope)) {
      problems.push(`scope: '${scope.node.path || '<app>'}' is an app, stage or stack; acknowledge the finding on the one construct that holds it`);
    }
    const rule = checkRuleId(ruleId);
    if (rule.problem !== undefined) problems.push(rule.problem);
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      problems.push('reason: must say why the finding is acceptable here; an empty reason is refused');
    }
    if (problems.length > 0) {
      throw new Error(`Compliance.acknowledge at '${scope.node.path}':\n  - ${problems.join('\n  - ')}`);
    }
    Validations.of(scope).acknowledge({ id: rule.namespaced!, reason: reason.trim() });
  }

  /**
   * Acknowledge, on one construct and with one reason, every rule of a family: the same requirement
   * as each pack words it (e.g. `RuleFamily.LAMBDA_INSIDE_VPC` covers the NIST, HIPAA and PCI rules
   * and the Control Tower control). The same limits as `acknowledge()` apply; the report shows the
   * construct and reason once, with every rule and pack it covers.
   *
   * @param scope the construct holding the findings (an L2 or its `CfnResource`)
   * @param family the family of rules, see `Compliance.familyRules()`
   * @param reason why the findings are acceptable here: required, not blank
   */
  public static acknowledgeFamily(scope: IConstruct, family: RuleFamily, reason: string): void {
    const rules = RULE_FAMILIES[family];
    if (rules === undefined) {
      throw new Error(`Compliance.acknowledgeFamily at '${scope.node.path}':\n  - family: '${String(family)}' is not a rule family; allowed: ${Object.values(RuleFamily).join(', ')}`);
    }
    for (const ruleId of rules) Compliance.acknowledge(scope, ruleId, reason);
  }

  /**
   * The rule ids of a family, as the report prints them.
   *
   * @param family the family of rules
   */
  public static familyRules(family: RuleFamily): string[] {
    const rules = RULE_FAMILIES[family];
    if (rules === undefined) throw new Error(`Compliance.familyRules: family: '${String(family)}' is not a rule family; allowed: ${Object.values(RuleFamily).join(', ')}`);
    return [...rules];
  }

  /**
   * Builds the validation plugins for the given packs, for callers that register plugins themselves.
   *
   * Each plugin fails on every unacknowledged finding, whatever else is acknowledged, and records in
   * the cloud assembly which templates it checked (read by `ComplianceReport`). Only the packages of
   * the chosen packs are loaded: cdk-nag for its packs (each on its own), the cfn-guard validator for
   * `CONTROL_TOWER`; a missing one is named in the error.
   *
   * @param scope the app or stage the cdk-nag packs are created in
   * @param options the packs and their settings
   */
  public static plugins(scope: IConstruct, options: ComplianceOptions = {}): IPolicyValidationPlugin[] {
    const packs = resolvePacks(options.packs);
    const nagProps = { verbose: options.verbose ?? false };
    return packs.map((pack) => new GatedPack(pack === CompliancePack.CONTROL_TOWER ? new ControlTowerChecks() : nagPack(pack, scope, nagProps)));
  }

  private constructor(private readonly stage: Stage) {}

  /**
   * Register the packs on every stack of this app or stage. With the packs registered, `cdk synth`
   * fails and prints the report while any finding is unacknowledged.
   *
   * Calling it again on the same app or stage with the same options (the same set of packs and
   * settings) changes nothing; with other options it throws, since a second set of packs would
   * silently run beside the first.
   */
  public enable(options: ComplianceOptions = {}): void {
    const settings = JSON.stringify({
      packs: [...resolvePacks(options.packs)].sort(),
      cloudFormationSchemaValidation: options.cloudFormationSchemaValidation ?? false,
      verbose: options.verbose ?? false,
    });
    const previous = enabled.get(this.stage);
    if (previous !== undefined) {
      if (previous === settings) return;
      throw new Error(
        `Compliance.enable at '${this.stage.node.path || '<app>'}': already enabled with ${previous}; ` +
        `called again with ${settings}. Call enable() once per app or stage with every pack it needs.`,
      );
    }
    if (options.cloudFormationSchemaValidation) {
      if (this.stage.node.children.length > 0) {
        throw new Error(
          'Compliance.enable: cloudFormationSchemaValidation must be set before any stack is added to the app ' +
          `(it sets the '${SCHEMA_VALIDATION_CONTEXT}' context); call enable() right after \`new App()\`, ` +
          'or set that context in cdk.json.',
        );
      }
      this.stage.node.setContext(SCHEMA_VALIDATION_CONTEXT, true);
    }
    Validations.of(this.stage).addPlugins(...Compliance.plugins(this.stage, options));
    enabled.set(this.stage, settings);
  }
}

/** The settings each app or stage was enabled with. */
const enabled = new WeakMap<Stage, string>();

/** The packs asked for, checked and without repeats, in the order given. */
function resolvePacks(packs: CompliancePack[] | undefined): CompliancePack[] {
  const asked = packs ?? Compliance.DEFAULT_PACKS;
  const known = Object.values(CompliancePack) as string[];
  const unknown = asked.filter((p) => !known.includes(p));
  if (asked.length === 0 || unknown.length > 0) {
    throw new Error(`Compliance: packs must name at least one of ${known.join(', ')}; got [${asked.join(', ')}]`);
  }
  return [...new Set(asked)];
}
