/**
 * The compliance gate's contract: for every pack, synth fails (and the report is not compliant)
 * exactly when an unacknowledged finding remains, whatever else is acknowledged.
 *
 * Each pack gets one tiny stack of L1 resources with several findings on one resource ("the
 * resource", the one with the most) and findings on others, then five cases: no acknowledgement; every other finding of
 * the resource acknowledged (an unrelated acknowledgement on the same resource); the findings of the
 * other resources acknowledged; every finding but one acknowledged (for cdk-nag packs, once with a
 * finding the pack rates `warning` left over, once with an `error` one); every finding acknowledged.
 * The CloudFormation schema rules get the same cases.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Compliance, CompliancePack, ComplianceReport } from '../../src';

const SCHEMA = 'CloudFormation Validate';

interface Finding {
  readonly ruleId: string;
  readonly constructPath: string;
  readonly severity: string;
}
const key = (f: { ruleId: string; constructPath: string }) => `${f.ruleId} @ ${f.constructPath}`;

/** Raw L1 resources: each pack finds several things on the bucket and more on the others. */
function packFixture(stack: Stack): void {
  new s3.CfnBucket(stack, 'Bucket');
  new dynamodb.CfnTable(stack, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
  });
  new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  new lambda.CfnFunction(stack, 'Fn', {
    runtime: 'nodejs18.x',
    handler: 'index.handler',
    role: 'arn:aws:iam::111111111111:role/fixture',
    code: { zipFile: 'exports.handler = async () => 1;' },
  });
  new sqs.CfnQueue(stack, 'Queue');
}

/** Schema errors: two on the queue (unknown property, wrong type), one on the topic. */
function schemaFixture(stack: Stack): void {
  new CfnResource(stack, 'Bucket', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeoutz: 30, MessageRetentionPeriod: 'a week' } });
  new CfnResource(stack, 'Other', { type: 'AWS::SNS::Topic', properties: { DisplayNamez: 'x' } });
}

interface Run {
  readonly threw: boolean;
  readonly message: string;
  readonly report: ComplianceReport;
}

/** Synthesize a fresh app with `pack` enabled and `acks` acknowledged; never throws itself. */
function run(pack: CompliancePack | typeof SCHEMA, acks: readonly Finding[] = []): Run {
  const schema = pack === SCHEMA;
  // The schema rules run without any pack, as errors (what `cloudFormationSchemaValidation` sets).
  const app = schema
    ? new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } })
    : new App({ builtinCloudFormationValidation: false });
  if (!schema) Compliance.of(app).enable({ packs: [pack] });
  const stack = new Stack(app, 'Gate');
  (schema ? schemaFixture : packFixture)(stack);
  for (const a of acks) {
    const target = app.node.findAll().find((c) => c.node.path === a.constructPath)!;
    Compliance.acknowledge(target, a.ruleId, `Matrix fixture: ${a.ruleId} is acknowledged on purpose.`);
  }
  let threw = false;
  let message = '';
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = schema ? 'true' : 'false';
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } catch (e) {
    threw = true;
    message = String(e);
  } finally {
    error.mockRestore();
    process.env.CDK_VALIDATION = previous;
  }
  return { threw, message, report: ComplianceReport.fromAssembly(app.outdir, { requiredPacks: schema ? [] : [pack] }) };
}

function findingsOf(r: Run, pack: string): Finding[] {
  return r.report.findings.filter((f) => f.pack === pack).map((f) => ({ ruleId: f.ruleId, constructPath: f.constructPath, severity: f.severity }));
}

const PACKS: Array<CompliancePack | typeof SCHEMA> = [...Compliance.DEFAULT_PACKS, SCHEMA];

describe.each(PACKS)('the gate of %s', (pack) => {
  let all: Finding[];
  let resource: string;

  beforeAll(() => {
    const baseline = run(pack);
    expect(baseline.threw).toBe(true);
    all = findingsOf(baseline, pack);
    // The resource: the one with the most findings of this pack.
    const counts = new Map<string, number>();
    for (const f of all) counts.set(f.constructPath, (counts.get(f.constructPath) ?? 0) + 1);
    resource = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    expect(all.filter((f) => f.constructPath === resource).length).toBeGreaterThanOrEqual(2);
    expect(all.some((f) => f.constructPath !== resource)).toBe(true);
  });

  /** Synth with `acks`, and check the gate against what is left unacknowledged. */
  function expectGate(acks: Finding[]): void {
    const acked = new Set(acks.map(key));
    const left = all.filter((f) => !acked.has(key(f))).map(key).sort();
    const r = run(pack, acks);
    expect({ threw: r.threw, left: findingsOf(r, pack).map(key).sort() }).toEqual({ threw: left.length > 0, left });
    expect(r.report.compliant).toBe(left.length === 0);
    if (left.length > 0) expect(r.message).toContain(left[0].split(' @ ')[0]);
  }

  test('no acknowledgement: synth fails', () => {
    expectGate([]);
  });

  test('an unrelated acknowledgement on the same resource: synth still fails', () => {
    const onResource = all.filter((f) => f.constructPath === resource);
    expectGate(onResource.slice(1));
  });

  test('the findings on the other resources acknowledged: synth still fails', () => {
    expectGate(all.filter((f) => f.constructPath !== resource));
  });

  test('every finding but one acknowledged: synth still fails, whatever the severity of the one left', () => {
    const severities = [...new Set(all.map((f) => f.severity))];
    for (const severity of severities) {
      const left = all.find((f) => f.severity === severity)!;
      expectGate(all.filter((f) => key(f) !== key(left)));
    }
  });

  test('every finding acknowledged, the same ones: synth passes and the report is compliant', () => {
    expectGate(all);
  });
});

test('the cdk-nag packs rate some findings of the fixture as warnings, and those fail too', () => {
  // Guards the matrix itself: the warning case above must really be exercised.
  const r = run(CompliancePack.SERVERLESS);
  expect(findingsOf(r, 'Serverless').map((f) => f.severity)).toContain('warning');
});
