import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
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
  test('an assembly without a validation report has no findings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-report-'));
    const report = ComplianceReport.fromAssembly(dir);
    expect(report.compliant).toBe(true);
    expect(report.stacks).toEqual([]);
    expect(report.toMarkdown('Empty')).toContain('Packs: none reported. Result: compliant.');
  });

  test('findings are attributed to stacks in nested stages, and summarised per stack', () => {
    const app = twoStackApp();
    const report = complianceReport(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(report.stacks).toEqual(['A', 'Prod/B']);
    const summary = report.summary();
    expect(summary.find((s) => s.stack === 'A')).toEqual({ stack: 'A', findings: expect.any(Number), acknowledgements: 0 });
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
    expect(md).toContain('#### AwsSolutions');
    expect(md).toContain('| AwsSolutions-S10 | `Plain/Resource` |');
    expect(md).toContain('| AwsSolutions-S1 | `Plain/Resource` | Fixture: access logs are not the point. |');
    expect(report.describeFindings()).toMatch(/^\[AwsSolutions\] AwsSolutions-S\d+ at A\/Plain\/Resource: /m);
  });
});
