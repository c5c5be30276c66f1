import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Compliance, ComplianceOptions, ComplianceReport } from '../../src/compliance';

const withPlugins = new WeakSet<Stage>();

/**
 * Synthesize the app holding `scope` with the compliance packs and aws-cdk-lib's CloudFormation
 * schema check, and return the report. When `scope` is a stack, only its findings are kept.
 *
 * The packs stay registered on that app: call this after the app's other assertions, or on an app
 * of its own.
 */
export function complianceReport(scope: IConstruct, options: ComplianceOptions = {}): ComplianceReport {
  const app = scope.node.root;
  if (!App.isApp(app)) throw new Error(`complianceReport: '${scope.node.path}' is not inside an App`);
  if (!withPlugins.has(app)) {
    Validations.of(app).addPlugins(...Compliance.plugins(app, options));
    withPlugins.add(app);
  }
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    app.synth({ force: true });
  } catch (e) {
    // CDK throws once it has written validation-report.json; anything else is a real failure.
    if (!/Validation ?Failed|Validation failed/.test(String(e))) throw e;
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
  const report = ComplianceReport.fromAssembly(app.outdir, { requiredPacks: options.packs ?? Compliance.DEFAULT_PACKS });
  return Stack.isStack(scope) ? report.forStack(scope.node.path) : report;
}

/** Fail with every unacknowledged finding (pack, rule, path, message) of the stack or app. */
export function expectCompliant(scope: IConstruct, options: ComplianceOptions = {}): ComplianceReport {
  return expectReportCompliant(complianceReport(scope, options), scope.node.path);
}

/**
 * Fail with every unacknowledged finding of a report `complianceReport` gave: for a file that
 * synthesizes its app once, with the packs, before its other tests read that app's templates, and
 * checks the report in a test of its own.
 */
export function expectReportCompliant(report: ComplianceReport, where: string): ComplianceReport {
  if (!report.compliant) {
    throw new Error(`${report.findings.length} unacknowledged compliance finding(s) in '${where || 'app'}':\n${report.describeFindings()}`);
  }
  return report;
}
