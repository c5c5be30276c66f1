import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Compliance, CompliancePack, RuleFamily } from '../../src';
import { CONTROL_TOWER_RULES, NAG_RULE_CHECKS, NAG_RULES } from '../../src/compliance/private/rule-catalogue.generated';
import { RULE_FAMILIES } from '../../src/compliance/private/rule-families';
import { checkRuleId } from '../../src/compliance/private/rule-ids';
import { complianceReport } from '../support/compliance';

const families = Object.values(RuleFamily);

describe('rule families', () => {
  test('every family has rules, and each is a rule of its pack in the rule catalogue', () => {
    const nag = new Set(Object.values(NAG_RULES).flat());
    for (const family of families) {
      const rules = RULE_FAMILIES[family];
      expect(rules.length).toBeGreaterThan(0);
      expect(new Set(rules).size).toBe(rules.length);
      for (const rule of rules) {
        expect({ family, rule, known: nag.has(rule) || rule in CONTROL_TOWER_RULES }).toEqual({ family, rule, known: true });
        expect(checkRuleId(rule).problem).toBeUndefined();
      }
    }
  });

  test('a family holds every pack\'s rule for the cdk-nag checks it names (the catalogue marks rules sharing a check as equivalent)', () => {
    const byCheck = new Map<string, string[]>();
    for (const [rule, check] of Object.entries(NAG_RULE_CHECKS)) byCheck.set(check, [...byCheck.get(check) ?? [], rule]);
    for (const family of families) {
      const rules = RULE_FAMILIES[family];
      for (const rule of rules.filter((r) => r in NAG_RULE_CHECKS)) {
        const equivalents = byCheck.get(NAG_RULE_CHECKS[rule])!;
        expect({ family, rule, missing: equivalents.filter((e) => !rules.includes(e)) }).toEqual({ family, rule, missing: [] });
      }
    }
  });

  test('the catalogue names the check behind every cdk-nag rule id', () => {
    for (const rule of Object.values(NAG_RULES).flat()) expect(NAG_RULE_CHECKS[rule]).toEqual(expect.any(String));
    expect(NAG_RULE_CHECKS['AwsSolutions-L1']).toBe(NAG_RULE_CHECKS['Serverless-LambdaLatestVersion']);
  });

  test('acknowledgeFamily acknowledges every rule of the family with one reason, and the report shows one row for them', () => {
    const app = new App();
    const stack = new Stack(app, 'Family');
    const bucket = new s3.Bucket(stack, 'Logs', { enforceSSL: true, versioned: true });
    const reason = 'Fixture: this bucket receives access logs; logging it would loop.';
    Compliance.acknowledgeFamily(bucket, RuleFamily.S3_ACCESS_LOGGING, reason);
    const report = complianceReport(stack);
    const acknowledged = report.acknowledgements.filter((a) => a.reason === reason).map((a) => a.ruleId).sort();
    expect(acknowledged).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled', 's3_bucket_logging_enabled_check']));
    expect(report.findings.filter((f) => Compliance.familyRules(RuleFamily.S3_ACCESS_LOGGING).includes(f.ruleId))).toEqual([]);

    const sites = report.acknowledgementSites().filter((x) => x.reason === reason);
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatchObject({ constructPath: 'Family/Logs/Resource', stack: 'Family' });
    expect(sites[0].packs.sort()).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'cdk-validator-cfnguard']);
    const md = report.toMarkdown('Family');
    expect(md.split('\n').filter((l) => l.includes(reason))).toHaveLength(1);
    expect(md).toContain(`| \`Logs/Resource\` | ${reason} | AwsSolutions-S1, `);
    expect(report.summary()).toEqual([expect.objectContaining({ stack: 'Family', acknowledgementSites: 1, reasons: 1 })]);
  });

  test('per-rule acknowledgement stays possible beside families', () => {
    const app = new App();
    const stack = new Stack(app, 'PerRule');
    const bucket = new s3.Bucket(stack, 'Logs', { enforceSSL: true, versioned: true });
    Compliance.acknowledge(bucket, 'AwsSolutions-S1', 'Fixture: only the AwsSolutions rule.');
    const report = complianceReport(stack, { packs: [CompliancePack.AWS_SOLUTIONS, CompliancePack.NIST_800_53_R5] });
    expect(report.acknowledgements.map((a) => a.ruleId)).toEqual(['AwsSolutions-S1']);
    expect(report.findings.map((f) => f.ruleId)).toContain('NIST.800.53.R5-S3BucketLoggingEnabled');
  });

  test('an unknown family, a blank reason or a stack as scope is refused, naming the argument', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    const bucket = new s3.Bucket(stack, 'B');
    expect(() => Compliance.acknowledgeFamily(bucket, 'Nope' as RuleFamily, 'x')).toThrow(/family: 'Nope' is not a rule family; allowed: LambdaInsideVpc/);
    expect(() => Compliance.acknowledgeFamily(bucket, RuleFamily.S3_REPLICATION, ' ')).toThrow(/reason: must say why/);
    expect(() => Compliance.acknowledgeFamily(stack, RuleFamily.S3_REPLICATION, 'x')).toThrow(/scope: 'Bad' is an app, stage or stack/);
    expect(() => Compliance.familyRules('Nope' as RuleFamily)).toThrow(/family: 'Nope'/);
  });
});
