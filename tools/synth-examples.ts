/**
 * The main job: synthesize every example app under examples/ into cdk.out/<example>/ with the
 * compliance packs and aws-cdk-lib's CloudFormation schema check, then write the reviewer report
 * (cdk.out/compliance-report.md) and the same findings and acknowledgements as SARIF 2.1.0
 * (cdk.out/compliance-report.sarif, for GitHub code scanning and other SARIF viewers), print a
 * summary table, and exit non-zero on any unacknowledged finding or failed synth.
 *
 * Each app runs the way the CDK CLI runs it (CDK_OUTDIR and CDK_CONTEXT_JSON with the context of
 * its cdk.json), with failSynthOnValidationErrors off so that every app's report is collected.
 *
 *   npx projen synth:examples [example ...]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { exampleNames } from './build-examples';
import { ComplianceReport } from '../src/compliance';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'cdk.out');

interface Result {
  readonly example: string;
  readonly ms: number;
  readonly error?: string;
  readonly report?: ComplianceReport;
}

function synth(example: string): Result {
  const dir = path.join(ROOT, 'examples', example);
  const outdir = path.join(OUT, example);
  fs.rmSync(outdir, { recursive: true, force: true });
  const cdkJson = path.join(dir, 'cdk.json');
  const context = fs.existsSync(cdkJson) ? JSON.parse(fs.readFileSync(cdkJson, 'utf-8')).context ?? {} : {};
  const start = Date.now();
  const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', path.join(dir, 'main.ts')], {
    cwd: dir,
    encoding: 'utf-8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({
        ...context,
        '@aws-cdk/core:failSynthOnValidationErrors': false,
        '@aws-cdk/core:validateAgainstDefaultRules': true,
      }),
      CDK_VALIDATION: 'true',
    },
  });
  const ms = Date.now() - start;
  if (run.status !== 0) {
    return { example, ms, error: `${run.stderr || run.stdout}`.trim().split('\n').slice(-15).join('\n') };
  }
  return { example, ms, report: ComplianceReport.fromAssembly(outdir) };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function main(): number {
  const requested = process.argv.slice(2);
  const all = exampleNames();
  const unknown = requested.filter((r) => !all.includes(r));
  if (unknown.length > 0) {
    console.error(`synth:examples: unknown example(s) ${unknown.join(', ')}; known: ${all.join(', ') || 'none'}`);
    return 2;
  }
  const examples = requested.length > 0 ? requested : all;
  fs.mkdirSync(OUT, { recursive: true });
  const reportFile = path.join(OUT, 'compliance-report.md');
  const md: string[] = [
    '# cdk-rampart compliance report',
    '',
    'Every example app synthesized with the compliance packs (cdk-nag AwsSolutions, NIST 800-53 R5, HIPAA Security,',
    'PCI DSS 3.2.1, Serverless; Control Tower proactive controls through cfn-guard) and aws-cdk-lib\'s CloudFormation',
    'schema check as errors. Each acknowledgement is scoped to one construct and states its reason; the tables',
    'show one row per resource and reason, with every rule and pack it covers. The same results are in',
    '`compliance-report.sarif` (SARIF 2.1.0: acknowledgements are suppressions with their reason).',
    '',
  ];
  const sarifFile = path.join(OUT, 'compliance-report.sarif');

  if (examples.length === 0) {
    const msg = 'No example apps under examples/ yet (an example is examples/<system>/main.ts): nothing to synthesize.';
    console.log(msg);
    md.push(msg, '');
    fs.writeFileSync(reportFile, md.join('\n'));
    fs.writeFileSync(sarifFile, ComplianceReport.sarifOf([], { artifactRoot: ROOT }));
    console.log(`Report: ${path.relative(ROOT, reportFile)}`);
    return 0;
  }

  const results = examples.map((e) => {
    process.stdout.write(`synth ${e} ... `);
    const r = synth(e);
    console.log(r.error ? `FAILED (${r.ms} ms)` : `${r.ms} ms`);
    return r;
  });

  const rows: string[][] = [['example', 'stack', 'findings', 'acknowledged', 'sites', 'reasons', 'synth ms']];
  let failed = false;
  for (const r of results) {
    if (r.error || !r.report) {
      failed = true;
      rows.push([r.example, '(synth failed)', '-', '-', '-', '-', String(r.ms)]);
      md.push(`## ${r.example}`, '', '**Synth failed:**', '', '```', r.error ?? '', '```', '');
      continue;
    }
    if (!r.report.compliant) failed = true;
    for (const s of r.report.summary()) {
      rows.push([r.example, s.stack, ...[s.findings, s.acknowledgements, s.acknowledgementSites, s.reasons, r.ms].map(String)]);
    }
    md.push(r.report.toMarkdown(`Example \`${r.example}\``), '');
  }
  fs.writeFileSync(reportFile, md.join('\n'));
  fs.writeFileSync(sarifFile, ComplianceReport.sarifOf(results.flatMap((r) => r.report ? [r.report] : []), { artifactRoot: ROOT }));

  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  for (const row of rows) console.log(row.map((c, i) => pad(c, widths[i])).join('  '));
  console.log('');
  for (const r of results) {
    if (r.error) console.error(`\n${r.example}: synth failed\n${r.error}`);
    else if (r.report && !r.report.compliant) console.error(`\n${r.example}: unacknowledged findings\n${r.report.describeFindings()}`);
  }
  console.log(`Report: ${path.relative(ROOT, reportFile)}, ${path.relative(ROOT, sarifFile)}`);
  return failed ? 1 : 0;
}

process.exitCode = main();
