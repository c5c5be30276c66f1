import '@microsoft/jest-sarif';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance, CompliancePack, ComplianceReport, RuleFamily } from '../../src';
import { complianceReport } from '../support/compliance';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The value is a valid SARIF 2.1.0 log (the schema @microsoft/jest-sarif ships). */
      toBeValidSarifLog(): R;
    }
  }
}

const REASON = 'Fixture: access logs are not the point of this bucket.';

function report(): { app: App; report: ComplianceReport } {
  const app = new App();
  new s3.Bucket(new Stack(app, 'A'), 'Plain');
  const b = new Stack(new Stage(app, 'Prod'), 'B');
  const bucket = new s3.Bucket(b, 'Logs', { enforceSSL: true, versioned: true });
  Compliance.acknowledgeFamily(bucket, RuleFamily.S3_ACCESS_LOGGING, REASON);
  return { app, report: complianceReport(app, { packs: [CompliancePack.AWS_SOLUTIONS, CompliancePack.CONTROL_TOWER] }) };
}

describe('the SARIF 2.1.0 log of a report', () => {
  const { app, report: r } = report();
  const root = path.dirname(app.outdir);
  const log = JSON.parse(r.toSarif({ artifactRoot: root }));
  const results = log.runs.flatMap((run: any) => run.results);

  test('validates against the SARIF 2.1.0 schema, and a broken log does not', () => {
    expect(log).toBeValidSarifLog();
    expect({ ...log, version: '2.0.0' }).not.toBeValidSarifLog();
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].suppressions = [{ kind: 'because', justification: 'x' }];
    expect(broken).not.toBeValidSarifLog();
  });

  test('one run per pack, one result per finding and per acknowledged finding', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((run: any) => run.tool.driver.name).sort()).toEqual(['AwsSolutions', 'cdk-validator-cfnguard']);
    expect(results).toHaveLength(r.findings.length + r.acknowledgements.length);
    for (const run of log.runs) {
      for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    }
  });

  test('acknowledgements are accepted suppressions with their reason as justification; findings have none', () => {
    const suppressed = results.filter((x: any) => x.suppressions);
    expect(suppressed.map((x: any) => x.ruleId).sort()).toEqual(['AwsSolutions-S1', 's3_bucket_logging_enabled_check']);
    for (const x of suppressed) expect(x.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: REASON }]);
    expect(results.filter((x: any) => !x.suppressions)).toHaveLength(r.findings.length);
  });

  test('each result is located by template file and line, construct path and logical id', () => {
    const s1 = results.find((x: any) => x.ruleId === 'AwsSolutions-S1' && x.suppressions);
    const [location] = s1.locations;
    const logicalId = r.acknowledgements.find((a) => a.ruleId === 'AwsSolutions-S1')!.logicalId!;
    expect(logicalId).toMatch(/^Logs[0-9A-F]{8}$/);
    expect(location.logicalLocations).toEqual([
      { fullyQualifiedName: 'Prod/B/Logs/Resource', kind: 'resource' },
      { name: logicalId, fullyQualifiedName: `Prod/B::${logicalId}`, kind: 'object' },
    ]);
    const uri: string = location.physicalLocation.artifactLocation.uri;
    expect(uri).toMatch(/\.template\.json$/);
    const lines = fs.readFileSync(path.join(root, uri), 'utf-8').split('\n');
    expect(lines[location.physicalLocation.region.startLine - 1].trim()).toBe(`"${logicalId}": {`);
  });

  test('several reports make one log, one run per pack', () => {
    const combined = JSON.parse(ComplianceReport.sarifOf([r.forStack('A'), r.forStack('Prod/B')], { artifactRoot: root }));
    expect(combined).toBeValidSarifLog();
    expect(combined.runs.map((run: any) => run.tool.driver.name).sort()).toEqual(['AwsSolutions', 'cdk-validator-cfnguard']);
    expect(combined.runs.flatMap((run: any) => run.results)).toHaveLength(results.length);
  });
});
