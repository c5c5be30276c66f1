import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ComplianceReport } from '../../src';
import { ControlTowerChecks, GUARD_CACHE_VARIABLE } from '../../src/compliance/private/control-tower-checks';

/** The Control Tower findings of a small mixed stack, checked by `plugin`. */
function findingsWith(plugin: IPolicyValidationPlugin, stacks = 1): string[] {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Mixed');
  const other = stacks === 1 ? stack : new Stack(app, 'Other');
  new s3.Bucket(stack, 'Bucket');
  new sqs.Queue(stack, 'Queue');
  new dynamodb.TableV2(other, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new lambda.Function(other, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
  Validations.of(app).addPlugins(plugin);
  app.synth();
  return ComplianceReport.fromAssembly(app.outdir).findings
    .filter((f) => f.pack === 'cdk-validator-cfnguard')
    .map((f) => `${f.ruleId} ${f.constructPath}`)
    .sort();
}

/** Where each Control Tower certificate finding of a distribution whose certificate ARN is a GetAtt on a non-certificate resource sits. */
function certificateFindingPaths(plugin: IPolicyValidationPlugin): string[] {
  const app = new App({ builtinCloudFormationValidation: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Cdn');
  const reader = new CfnResource(stack, 'Reader', { type: 'Custom::CrossRegionExportReader' });
  new cloudfront.CfnDistribution(stack, 'Distribution', {
    distributionConfig: {
      enabled: true,
      defaultCacheBehavior: { targetOriginId: 'o', viewerProtocolPolicy: 'redirect-to-https' },
      origins: [{ id: 'o', domainName: 'example.com', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
      viewerCertificate: { acmCertificateArn: reader.getAtt('/cdk/exports/certificate').toString(), sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' },
    },
  });
  Validations.of(app).addPlugins(plugin);
  app.synth();
  return ComplianceReport.fromAssembly(app.outdir, { requiredPacks: [] }).findings
    .filter((f) => f.ruleId === 'cloudfront_custom_ssl_certificate_check')
    .map((f) => f.constructPath);
}

describe('ControlTowerChecks', () => {
  test('a failed reference lookup is reported on the resource holding the reference, not as a second unlocated finding', () => {
    expect(certificateFindingPaths(new CfnGuardValidator({ controlTowerRulesEnabled: true }))).toEqual(['Cdn/Distribution', '']);
    expect(certificateFindingPaths(new ControlTowerChecks())).toEqual(['Cdn/Distribution']);
  });

  test('keeps the rule files naming a resource type present, and none of the others', () => {
    const checks = new ControlTowerChecks();
    const s3Rules = checks.rulesFor(new Set(['AWS::S3::Bucket']));
    expect(s3Rules.length).toBeGreaterThan(5);
    expect(s3Rules.some((f) => f.includes('/s3/'))).toBe(true);
    expect(s3Rules.some((f) => f.includes('/lambda/'))).toBe(false);
    expect(checks.rulesFor(new Set(['AWS::Lambda::Function'])).some((f) => f.includes('/lambda/'))).toBe(true);
    expect(checks.rulesFor(new Set()).length).toBeLessThan(s3Rules.length);
  });

  test('reports exactly what cfn-guard reports with every rule file, under the same plugin name and rule ids', () => {
    const filtered = new ControlTowerChecks();
    const full = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    expect(filtered.name).toBe(full.name);
    expect(filtered.ruleIds).toEqual(full.ruleIds);
    const findings = findingsWith(filtered);
    expect(findings.length).toBeGreaterThan(5);
    expect(findings).toEqual(findingsWith(full));
  });

  test('checks each template with its own rule files, and finds what one run with every rule file over every template finds', () => {
    const findings = findingsWith(new ControlTowerChecks(), 2);
    expect(findings.some((f) => f.endsWith(' Mixed/Bucket/Resource'))).toBe(true);
    expect(findings.some((f) => f.includes(' Other/'))).toBe(true);
    expect(findings).toEqual(findingsWith(new CfnGuardValidator({ controlTowerRulesEnabled: true }), 2));
  });

  test('with a cache directory, an identical template reuses the findings cfn-guard gave it; another template is checked anew', () => {
    const previous = process.env[GUARD_CACHE_VARIABLE];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-cache-'));
    process.env[GUARD_CACHE_VARIABLE] = dir;
    try {
      const first = findingsWith(new ControlTowerChecks(), 2);
      const entries = fs.readdirSync(dir).sort();
      expect(entries).toHaveLength(2);
      expect(findingsWith(new ControlTowerChecks(), 2)).toEqual(first);
      expect(fs.readdirSync(dir).sort()).toEqual(entries);
      // The entry is what the next run reads: emptied, the findings of those templates go with it.
      for (const entry of entries) fs.writeFileSync(path.join(dir, entry), JSON.stringify({ success: true, violations: [] }));
      expect(findingsWith(new ControlTowerChecks(), 2)).toEqual([]);
      expect(findingsWith(new ControlTowerChecks(), 1)).toEqual(first.map((f) => f.replace(' Other/', ' Mixed/')).sort());
      expect(fs.readdirSync(dir)).toHaveLength(3);
    } finally {
      if (previous === undefined) delete process.env[GUARD_CACHE_VARIABLE];
      else process.env[GUARD_CACHE_VARIABLE] = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
