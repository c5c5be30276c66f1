import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance, CompliancePack, ComplianceReport } from '../../src';
import { complianceReport } from '../support/compliance';

function twoStackApp(): App {
  const app = new App();
  const a = new Stack(app, 'A');
  new s3.Bucket(a, 'Plain');
  const stage = new Stage(app, 'Prod');
  const b = new Stack(stage, 'B');
  const bucket = new s3.Bucket(b, 'Plain');
  Compliance.acknowledge(bucket, 'AwsSolutions-S1', 'Fixture: access logs are not the point.');
  return app;
}

describe('ComplianceReport', () => {
  test('a directory that is not a readable cloud assembly is an error, not a pass', () => {
    const missing = path.join(os.tmpdir(), 'rampart-report-missing-' + process.pid);
    expect(() => ComplianceReport.fromAssembly(missing)).toThrow(/is not a cloud assembly: manifest.json it does not exist\. Synthesize the app first/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-report-'));
    expect(() => ComplianceReport.fromAssembly(empty)).toThrow(/is not a cloud assembly/);
    fs.writeFileSync(path.join(empty, 'manifest.json'), '{ not json');
    expect(() => ComplianceReport.fromAssembly(empty)).toThrow(/is not a cloud assembly: manifest.json it cannot be read/);
  });

  test('an unreadable validation report is an error', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new s3.Bucket(new Stack(app, 'A'), 'Plain');
    app.synth();
    fs.writeFileSync(path.join(app.outdir, 'validation-report.json'), '{ truncated');
    expect(() => ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [] })).toThrow(/validation-report.json' cannot be read/);
  });

  test('an assembly synthesized without the packs is not compliant, and names each pack that did not run', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new s3.Bucket(new Stack(app, 'A'), 'Plain');
    app.synth();
    const report = ComplianceReport.fromAssembly(app.outdir);
    expect(report.compliant).toBe(false);
    expect(report.findings).toEqual([]);
    expect(report.packsRun).toEqual([]);
    expect(report.missingPacks.map((m) => m.pack)).toEqual(Compliance.DEFAULT_PACKS);
    expect(report.missingPacks.every((m) => m.stack === 'A')).toBe(true);
    expect(report.describeFindings()).toContain('[cdk-validator-cfnguard] did not run on stack A');
    expect(report.toMarkdown('None')).toContain('Packs run: none. Result: **pack(s) not run: AwsSolutions, NIST.800.53.R5');
    expect(ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [] }).compliant).toBe(true);
  });

  test('the report lists the packs that ran, clean ones included, and misses the ones not enabled', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Compliance.of(app).enable({ packs: [CompliancePack.PCI_DSS_321, CompliancePack.SERVERLESS] });
    new s3.Bucket(new Stack(app, 'A'), 'Plain', { enforceSSL: true, versioned: true }); // Serverless finds nothing here
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try { app.synth(); } catch { /* the PCI findings */ }
    const report = ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [CompliancePack.SERVERLESS, CompliancePack.AWS_SOLUTIONS] });
    expect(report.packsRun).toEqual(['PCI.DSS.321', 'Serverless']);
    expect(report.packs).not.toContain('Serverless');
    expect(report.missingPacks).toEqual([{ pack: 'AwsSolutions', stack: 'A' }]);
    expect(report.compliant).toBe(false);
  });

  test('a pack counts only for the templates it checked as they are now, and only for the stacks it saw', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new s3.Bucket(new Stack(app, 'Outside'), 'Plain');
    const stage = new Stage(app, 'Prod');
    Compliance.of(stage).enable({ packs: [CompliancePack.SERVERLESS] });
    const inside = new Stack(stage, 'Inside');
    new s3.Bucket(inside, 'Plain');
    const assembly = app.synth();
    const report = ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [CompliancePack.SERVERLESS] });
    expect(report.missingPacks).toEqual([{ pack: 'Serverless', stack: 'Outside' }]);
    expect(report.forStack('Prod/Inside').compliant).toBe(true);

    // A template changed after the pack checked it: the pack's record no longer vouches for it.
    fs.appendFileSync(assembly.getNestedAssembly(stage.artifactId).getStackArtifact(inside.artifactId).templateFullPath, ' ');
    expect(ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [CompliancePack.SERVERLESS] }).missingPacks.map((m) => m.stack)).toEqual(['Outside', 'Prod/Inside']);
  });

  test('requiredPacks must name packs', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new Stack(app, 'A');
    app.synth();
    expect(() => ComplianceReport.fromAssembly(app.outdir, { requiredPacks: ['Nope' as CompliancePack] })).toThrow(/requiredPacks: \[Nope\] are not packs; allowed: AwsSolutions/);
  });

  test('findings are attributed to stacks in nested stages, and summarised per stack', () => {
    const app = twoStackApp();
    const report = complianceReport(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(report.stacks).toEqual(['A', 'Prod/B']);
    const summary = report.summary();
    expect(summary.find((s) => s.stack === 'A')).toEqual({ stack: 'A', findings: expect.any(Number), acknowledgements: 0, acknowledgementSites: 0, reasons: 0 });
    expect(summary.find((s) => s.stack === 'Prod/B')!.acknowledgements).toBe(1);
    expect(report.findings.filter((f) => f.stack === 'Prod/B').map((f) => f.constructPath)).toContain('Prod/B/Plain/Resource');

    const b = report.forStack('Prod/B');
    expect(b.stacks).toEqual(['Prod/B']);
    expect(b.findings.every((f) => f.stack === 'Prod/B')).toBe(true);
    expect(b.acknowledgements).toHaveLength(1);
  });

  test('the Markdown lists findings and acknowledgements with reasons, per stack and pack', () => {
    const report = complianceReport(twoStackApp(), { packs: [CompliancePack.AWS_SOLUTIONS] });
    const md = report.toMarkdown('Two stacks');
    expect(md).toMatch(/^## Two stacks\n/);
    expect(md).toContain('### Stack `Prod/B`');
    expect(md).toContain('#### Findings: AwsSolutions');
    expect(md).toContain('| AwsSolutions-S10 | `Plain/Resource` |');
    expect(md).toContain('#### Acknowledged\n\n| Resource | Reason | Rules | Packs |');
    expect(md).toContain('| `Plain/Resource` | Fixture: access logs are not the point. | AwsSolutions-S1 | AwsSolutions |');
    expect(md).toContain('1 acknowledged finding(s) at 1 site(s) (resource and reason).');
    expect(report.describeFindings()).toMatch(/^\[AwsSolutions\] AwsSolutions-S\d+ at A\/Plain\/Resource: /m);
  });

  test('the Markdown opens with a summary per stack and the residual risks a reviewer reads first', () => {
    const app = twoStackApp();
    const site = new Stack(app, 'Site');
    const distribution = new cloudfront.Distribution(site, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('origin.example.com') } });
    Compliance.acknowledge(distribution, 'AwsSolutions-CFR4', 'Fixture: no custom domain yet.');
    const report = complianceReport(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    const md = report.toMarkdown('Summary');
    const summaryEnd = md.indexOf('### Stack');
    const summary = md.slice(0, summaryEnd);
    expect(summary).toContain('| Stack | Findings | Acknowledged findings | Acknowledgement sites | Distinct reasons |');
    const b = report.summary().find((x) => x.stack === 'Prod/B')!;
    expect(summary).toContain(`| \`Prod/B\` | ${b.findings} | 1 | 1 | 1 |`);
    expect(summary).toMatch(/\*\*Residual risks to read first\*\*\n\n- `Site` \(AwsSolutions-CFR4\): Served on its \*\.cloudfront\.net name with CloudFront's default certificate, whose fixed security policy \(TLSv1\) still accepts TLS 1\.0 and 1\.1 .* Resources: `Cdn\/Resource`\./);
    expect(report.residualRisks()).toEqual([expect.objectContaining({ stack: 'Site', ruleId: 'AwsSolutions-CFR4', resources: ['Site/Cdn/Resource'] })]);
    expect(report.forStack('Prod/B').toMarkdown('B')).toContain('None of the acknowledged rules leaves a risk listed for review.');
  });
});
