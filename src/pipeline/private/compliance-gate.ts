import { Stage, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Compliance, CompliancePack } from '../../compliance';
import { Validation } from '../../private/validation';

/** Environment variable the synth step sets to the packs of the compliance gate (comma-separated). */
export const COMPLIANCE_GATE_VARIABLE = 'RAMPART_COMPLIANCE_GATE';

const gatedApps = new WeakSet<Stage>();

/**
 * In the pipeline's synth step (RAMPART_COMPLIANCE_GATE set), register the packs on the app once,
 * so that synth fails on findings. Outside the pipeline nothing is registered.
 */
export function enableComplianceGate(scope: Construct): void {
  const value = process.env[COMPLIANCE_GATE_VARIABLE];
  if (!value) return;
  const app = scope.node.root;
  if (!Stage.isStage(app) || gatedApps.has(app)) return;
  const packs = value.split(',').map((p) => p.trim()).filter((p) => p.length > 0) as CompliancePack[];
  const unknown = packs.filter((p) => !Object.values(CompliancePack).includes(p));
  if (unknown.length > 0 || packs.length === 0) {
    new Validation('DeliveryPipeline', scope, 'environment variables')
      .fail(COMPLIANCE_GATE_VARIABLE, value, `a comma-separated list of ${Object.values(CompliancePack).join(', ')}`,
        `names no pack or an unknown one (${unknown.join(', ')})`)
      .throwIfInvalid();
  }
  Validations.of(app).addPlugins(...Compliance.plugins(app, { packs }));
  gatedApps.add(app);
}
