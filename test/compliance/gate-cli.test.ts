/**
 * The DeliveryPipeline's gate is the exit code of `cdk synth` in its synth step. This runs the CDK
 * CLI the way that step does (RAMPART_COMPLIANCE_GATE set, so the pipeline registers the packs) on
 * an app with a bucket whose Control Tower findings are all acknowledged but one: synth must exit
 * non-zero naming that one; with all of them acknowledged it exits 0.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance, CompliancePack, ComplianceReport, DeliveryPipeline } from '../../src';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(__dirname, 'fixtures', 'pipeline-gate-app.ts');

/** The Control Tower findings of the fixture's bucket, found in-process. */
function bucketFindings(): string[] {
  const app = new App({ builtinCloudFormationValidation: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  Compliance.of(app).enable({ packs: [CompliancePack.CONTROL_TOWER] });
  new s3.Bucket(new Stack(app, 'Data'), 'Bucket');
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  app.synth();
  const report = ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [CompliancePack.CONTROL_TOWER] });
  return [...new Set(report.findings.map((f) => f.ruleId))].sort();
}

function cdkSynth(acks: string[]): { status: number | null; output: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-gate-cli-'));
  const app = `${process.execPath} ${require.resolve('ts-node/dist/bin')} --swc ${APP}`; // the CLI splits on spaces
  const run = spawnSync(process.execPath, [
    require.resolve('aws-cdk/bin/cdk'), 'synth', '--app', app, '--output', outdir, '--quiet', '--no-notices', '--no-version-reporting',
  ], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: {
      ...process.env,
      [DeliveryPipeline.COMPLIANCE_GATE_VARIABLE]: CompliancePack.CONTROL_TOWER,
      GATE_FIXTURE_ACKS: JSON.stringify(acks),
      CDK_VALIDATION: 'false',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}`, outdir };
}

describe('the DeliveryPipeline gate under the CDK CLI', () => {
  let findings: string[];
  beforeAll(() => {
    findings = bucketFindings();
    expect(findings.length).toBeGreaterThan(2);
  });

  test('exits non-zero while one finding is unacknowledged, the others acknowledged', () => {
    const [left, ...acked] = findings;
    const r = cdkSynth(acked);
    expect(r.output).toContain(`cdk-validator-cfnguard::${left}`);
    expect(r.output).toMatch(/Synthesis finished with errors/);
    expect(r.status).not.toBe(0);
    for (const rule of acked) expect(r.output).not.toContain(`Acknowledge with 'cdk-validator-cfnguard::${rule}'`);
  }, 240_000);

  test('exits 0 once every finding is acknowledged, and the report shows the pack ran', () => {
    const r = cdkSynth(findings);
    expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
    const report = ComplianceReport.fromAssembly(r.outdir, { requiredPacks: [CompliancePack.CONTROL_TOWER] });
    expect(report.packsRun).toEqual([CompliancePack.CONTROL_TOWER]);
    expect(report.compliant).toBe(true);
  }, 240_000);
});
