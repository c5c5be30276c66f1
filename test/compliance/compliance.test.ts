import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance, CompliancePack } from '../../src';
import { complianceReport, expectCompliant } from '../support/compliance';

/** A deliberately non-compliant stack: a public bucket without TLS enforcement, and a bare function. */
function insecureStack(app: App): { stack: Stack; bucket: s3.Bucket; fn: lambda.Function } {
  const stack = new Stack(app, 'Insecure');
  const bucket = new s3.Bucket(stack, 'PublicBucket', {
    publicReadAccess: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
  return { stack, bucket, fn };
}

describe('Compliance packs', () => {
  test('a non-compliant stack fails with readable findings from every pack', () => {
    const app = new App();
    const { stack } = insecureStack(app);
    const report = complianceReport(stack);

    expect(report.compliant).toBe(false);
    const packs = new Set(report.findings.map((f) => f.pack));
    for (const pack of Compliance.DEFAULT_PACKS) expect(packs).toContain(pack);

    const ruleIds = report.findings.map((f) => f.ruleId);
    expect(ruleIds).toEqual(expect.arrayContaining([
      'AwsSolutions-S2', // public access not blocked
      'AwsSolutions-S10', // no TLS enforcement
      'NIST.800.53.R5-S3BucketSSLRequestsOnly',
      'HIPAA.Security-S3BucketPublicReadProhibited',
      'PCI.DSS.321-S3BucketSSLRequestsOnly',
      'Serverless-LambdaDefaultMemorySize',
      's3_bucket_level_public_access_prohibited_check',
    ]));
    const s2 = report.findings.find((f) => f.ruleId === 'AwsSolutions-S2')!;
    expect(s2).toMatchObject({ stack: 'Insecure', constructPath: 'Insecure/PublicBucket/Resource' });
    expect(s2.message).toMatch(/public access/i);

    expect(() => expectCompliant(stack)).toThrow(/unacknowledged compliance finding\(s\) in 'Insecure':\n.*\[AwsSolutions\] AwsSolutions-S2 at Insecure\/PublicBucket\/Resource: /s);
  });

  test('the same stack passes once each finding is acknowledged on its construct, and the reasons are reported', () => {
    const findings = complianceReport(insecureStack(new App()).stack).findings;

    const app = new App();
    const { stack } = insecureStack(app);
    for (const f of findings) {
      const resource = app.node.findAll().find((c) => c.node.path === f.constructPath)!;
      Compliance.acknowledge(resource, f.ruleId, `Test fixture: ${f.ruleId} is the point of this stack.`);
    }
    const report = expectCompliant(stack);
    expect(report.acknowledgements).toHaveLength(findings.length);
    expect(report.acknowledgements).toContainEqual(expect.objectContaining({
      pack: 'AwsSolutions',
      ruleId: 'AwsSolutions-S2',
      constructPath: 'Insecure/PublicBucket/Resource',
      reason: 'Test fixture: AwsSolutions-S2 is the point of this stack.',
    }));
    expect(report.toMarkdown('Insecure')).toContain('| `PublicBucket/Resource` | Test fixture: AwsSolutions-S2 is the point of this stack. | AwsSolutions-S2 | AwsSolutions |');
  });

  test('an acknowledgement covers only the construct it is placed on', () => {
    const app = new App();
    const stack = new Stack(app, 'Two');
    const acknowledged = new s3.Bucket(stack, 'Acknowledged', { enforceSSL: false });
    new s3.Bucket(stack, 'Other', { enforceSSL: false });
    Compliance.acknowledge(acknowledged, 'AwsSolutions-S10', 'Fixture: TLS is not the point here.');
    const report = complianceReport(stack, { packs: [CompliancePack.AWS_SOLUTIONS] });
    const s10 = report.findings.filter((f) => f.ruleId === 'AwsSolutions-S10').map((f) => f.constructPath);
    expect(s10).toEqual(['Two/Other/Resource']);
    expect(report.acknowledgements.map((a) => `${a.ruleId} ${a.constructPath}`)).toEqual(['AwsSolutions-S10 Two/Acknowledged/Resource']);
  });

  test('packs can be chosen', () => {
    const app = new App();
    const { stack } = insecureStack(app);
    const report = complianceReport(stack, { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(new Set(report.findings.map((f) => f.pack))).toEqual(new Set(['AwsSolutions']));
  });

  test('enable() registers the packs so that synth fails on findings', () => {
    const app = new App();
    Compliance.of(app).enable({ packs: [CompliancePack.AWS_SOLUTIONS] });
    insecureStack(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S2/);
  });

  test('CloudFormation schema findings are reported by the compliance synth', () => {
    const app = new App();
    const stack = new Stack(app, 'Schema');
    const typo = new CfnResource(stack, 'Typo', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeoutz: 30 } });
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // CDK prints the report too
    const report = complianceReport(stack, { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(report.findings).toContainEqual(expect.objectContaining({ pack: 'CloudFormation Validate', ruleId: 'F3002', constructPath: 'Schema/Typo' }));

    Compliance.acknowledge(typo, 'F3002', 'Fixture: the typo is the point.');
    expect(complianceReport(stack).findings.filter((f) => f.pack === 'CloudFormation Validate')).toEqual([]);
  });

  test('enable() with schema validation as errors sets the context before stacks exist', () => {
    const app = new App();
    Compliance.of(app).enable({ packs: [CompliancePack.AWS_SOLUTIONS], cloudFormationSchemaValidation: true });
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  });
});

describe('Compliance validation', () => {
  test('acknowledge refuses an empty or blank reason', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'B');
    expect(() => Compliance.acknowledge(bucket, 'AwsSolutions-S1', '')).toThrow(/reason: must say why .* an empty reason is refused/);
    expect(() => Compliance.acknowledge(bucket, 'AwsSolutions-S1', '   ')).toThrow(/reason: must say why/);
  });

  test('acknowledge refuses apps, stages and stacks', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() => Compliance.acknowledge(stack, 'AwsSolutions-S1', 'because')).toThrow(/scope: 'S' is an app, stage or stack; acknowledge the finding on the one construct/);
    expect(() => Compliance.acknowledge(app, 'AwsSolutions-S1', 'because')).toThrow(/scope: .* is an app, stage or stack/);
  });

  test('acknowledge refuses what is not a rule id', () => {
    const bucket = new s3.Bucket(new Stack(new App(), 'S'), 'B');
    expect(() => Compliance.acknowledge(bucket, 'S1', 'because')).toThrow(/ruleId: 'S1' is not a rule id of any pack; closest: /);
    expect(() => Compliance.acknowledge(bucket, 'Serverless::AwsSolutions-S1', 'because'))
      .toThrow(/ruleId: 'Serverless::AwsSolutions-S1' puts a AwsSolutions rule under the namespace 'Serverless'; use 'AwsSolutions::AwsSolutions-S1'/);
    expect(() => Compliance.acknowledge(bucket, '', 'because')).toThrow(/ruleId: '' is empty/);
  });

  test('acknowledge checks ids against the rule catalogue and names the closest real ids', () => {
    const bucket = new s3.Bucket(new Stack(new App(), 'S'), 'B');
    const refused = (id: string) => {
      try {
        Compliance.acknowledge(bucket, id, 'Fixture.');
      } catch (e) {
        return String((e as Error).message);
      }
      throw new Error(`${id} was accepted`);
    };
    expect(refused('AwsSolutions-XYZ')).toMatch(/ruleId: 'AwsSolutions-XYZ' is not a rule of the AwsSolutions pack; closest: 'AwsSolutions-/);
    expect(refused('AwsSolutions-S11')).toMatch(/closest: .*'AwsSolutions-S1', 'AwsSolutions-S10'/);
    expect(refused('AwsSolutions-IAM55[Resource::*]')).toMatch(/is not a rule of the AwsSolutions pack; closest: 'AwsSolutions-IAM5'/);
    expect(refused('PCI.DSS.321-LambdaDLQ')).toMatch(/is not a rule of the PCI.DSS.321 pack/);
    expect(refused('Serverless-LambdaDefaultMemory')).toMatch(/closest: 'Serverless-LambdaDefaultMemorySize'/);
    expect(refused('s3_bucket_object_lock_enable_check')).toMatch(/is not a Control Tower rule name; closest: 's3_bucket_object_lock_enabled_check'/);
    expect(refused('CT.S3.PR.9')).toMatch(/is a Control Tower control id; acknowledge the rule name its findings carry: 's3_bucket_object_lock_enabled_check'/);
    expect(refused('F3999')).toMatch(/is not a CloudFormation schema rule id; closest: '[EFIW]\d{4}'/);
    expect(refused('cdk-validator-cfnguard::F3002')).toMatch(/use 'CloudFormation-Validate::F3002' or just 'F3002'/);
    expect(refused('AwsSolutions-IAM5[Resource::*')).toMatch(/malformed finding part/);
  });

  test('acknowledge lists every problem in one error', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => Compliance.acknowledge(stack, 'nope', '')).toThrow(/scope: .*\n\s+- ruleId: .*\n\s+- reason: /);
  });

  test('acknowledge accepts pack rule ids, finding ids, namespaced ids and Control Tower rule names', () => {
    const bucket = new s3.Bucket(new Stack(new App(), 'S'), 'B');
    for (const id of ['AwsSolutions-S1', 'AwsSolutions-IAM5[Resource::*]', 'NIST.800.53.R5-LambdaInsideVPC', 'AwsSolutions::AwsSolutions-S2', 's3_bucket_object_lock_enabled_check', 'F3002']) {
      expect(() => Compliance.acknowledge(bucket, id, 'Fixture.')).not.toThrow();
    }
  });

  test('of() needs an app or a stage', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => Compliance.of(stack)).toThrow(/scope must be an App or a Stage, got 'S'/);
  });

  test('enable() again with the same options changes nothing; with other options it throws', () => {
    const app = new App();
    Compliance.of(app).enable({ packs: [CompliancePack.SERVERLESS, CompliancePack.AWS_SOLUTIONS] });
    const again = [CompliancePack.AWS_SOLUTIONS, CompliancePack.SERVERLESS, CompliancePack.SERVERLESS];
    expect(() => Compliance.of(app).enable({ packs: again })).not.toThrow();
    expect((app as any)._validationPlugins.map((p: { name: string }) => p.name)).toEqual(['Serverless', 'AwsSolutions']);
    expect(() => Compliance.of(app).enable({ packs: [CompliancePack.AWS_SOLUTIONS] }))
      .toThrow(/Compliance.enable at '<app>': already enabled with \{"packs":\["AwsSolutions","Serverless"\].*called again with \{"packs":\["AwsSolutions"\]/);
    expect(() => Compliance.of(app).enable({ packs: [CompliancePack.SERVERLESS, CompliancePack.AWS_SOLUTIONS], verbose: true })).toThrow(/already enabled/);
  });

  test('enable() refuses schema validation once stacks exist, and an empty pack list', () => {
    const app = new App();
    new Stack(app, 'S');
    expect(() => Compliance.of(app).enable({ cloudFormationSchemaValidation: true })).toThrow(/cloudFormationSchemaValidation must be set before any stack is added/);
    expect(() => Compliance.of(new App()).enable({ packs: [] })).toThrow(/packs must name at least one of AwsSolutions/);
  });
});
