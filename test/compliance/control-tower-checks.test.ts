import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ComplianceReport } from '../../src';
import { ControlTowerChecks } from '../../src/compliance/private/control-tower-checks';

/** The Control Tower findings of a small mixed stack, checked by `plugin`. */
function findingsWith(plugin: IPolicyValidationPlugin): string[] {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Mixed');
  new s3.Bucket(stack, 'Bucket');
  new sqs.Queue(stack, 'Queue');
  new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new lambda.Function(stack, 'Fn', {
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

describe('ControlTowerChecks', () => {
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
});
