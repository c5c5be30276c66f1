/**
 * Section 1, synth: every example app (examples/<system>/main.ts) compiled to JS and run with plain
 * `node`, with the compliance packs, with and without aws-cdk-lib's CloudFormation schema check,
 * without the packs, and with a proposed Control Tower rule filter; the floor is an empty app. Then
 * the peer comparison: one composition built with cdk-rampart, plain aws-cdk-lib L2s and AWS
 * Solutions Constructs. All variants of a comparison run interleaved in one loop.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComplianceReport } from '../../src/compliance';
import { compileForBench, exampleApps, JS_OUT, ROOT } from '../lib/compile';
import { BenchOptions, fmt, fmtRatio, interleave, InterleavedResult, measureOnce, pairedRatio, SectionResult, table, Variant } from '../lib/measure';

const SYNTH_OUT = path.join(ROOT, 'bench', 'out', 'synth');
const APPS = path.join(JS_OUT, 'bench', 'apps');
const GOAL_EXAMPLE_MS = 3000;

function outdir(name: string): string {
  return path.join(SYNTH_OUT, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

function exampleContext(example: string): Record<string, unknown> {
  const cdkJson = path.join(ROOT, 'examples', example, 'cdk.json');
  return fs.existsSync(cdkJson) ? JSON.parse(fs.readFileSync(cdkJson, 'utf-8')).context ?? {} : {};
}

function exampleVariant(example: string, label: string, opts: { schema: boolean; preload?: string }): Variant {
  const name = `${example} · ${label}`;
  const context = {
    ...exampleContext(example),
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    ...(opts.schema ? { '@aws-cdk/core:validateAgainstDefaultRules': true } : {}),
  };
  return {
    name,
    cwd: path.join(ROOT, 'examples', example),
    command: [process.execPath, ...(opts.preload ? ['-r', path.join(APPS, opts.preload)] : []), path.join(JS_OUT, 'examples', example, 'main.js')],
    env: { CDK_OUTDIR: outdir(name), CDK_CONTEXT_JSON: JSON.stringify(context), CDK_VALIDATION: String(opts.schema) },
  };
}

function appVariant(name: string, app: string, env: Record<string, string> = {}): Variant {
  return {
    name,
    cwd: ROOT,
    command: [process.execPath, path.join(APPS, `${app}.js`)],
    env: { CDK_OUTDIR: outdir(name), CDK_VALIDATION: 'false', CDK_CONTEXT_JSON: JSON.stringify({ '@aws-cdk/core:failSynthOnValidationErrors': false }), ...env },
  };
}

function templates(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name.startsWith('assembly-')) walk(path.join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.template.json')) found.push(path.join(d, e.name));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

function assemblyStats(dir: string): { stacks: number; resources: number; bytes: number } {
  const files = templates(dir);
  let resources = 0;
  let bytes = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf-8');
    bytes += Buffer.byteLength(text);
    resources += Object.keys(JSON.parse(text).Resources ?? {}).length;
  }
  return { stacks: files.length, resources, bytes };
}

function byName(results: InterleavedResult[], name: string): InterleavedResult {
  return results.find((r) => r.name === name)!;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function reportCounts(dir: string, pack?: string): { findings: number; acks: number } {
  const r = ComplianceReport.fromAssembly(dir);
  const f = pack ? r.findings.filter((x) => x.pack === pack) : r.findings;
  const a = pack ? r.acknowledgements.filter((x) => x.pack === pack) : r.acknowledgements;
  return { findings: f.length, acks: a.length };
}

export function runSynth(options: BenchOptions): SectionResult {
  const compiled = compileForBench();
  fs.rmSync(SYNTH_OUT, { recursive: true, force: true });
  const lines: string[] = ['## 1. Synth', ''];
  const headlines: string[] = [];
  const goals: [boolean | undefined, string][] = [];
  lines.push(`Apps compiled to JS with esbuild's per-file transform (${compiled.files} files, ${compiled.ms} ms), run with plain \`node\` as the CDK CLI would (CDK_OUTDIR, CDK_CONTEXT_JSON with the app's cdk.json context, \`failSynthOnValidationErrors\` off so the report is written). Wall and CPU are whole-process (GNU time, CPU includes child processes such as cfn-guard); ${options.runs} runs after ${options.warmup} warm-up, interleaved.`, '');

  // Example apps.
  // An example that does not synthesize (e.g. its handlers are not built yet) is left out with a note.
  const examples = exampleApps().filter((ex) => {
    try {
      measureOnce(exampleVariant(ex, 'no packs', { schema: false, preload: 'preload-no-packs.js' }));
      return true;
    } catch (e: any) {
      // The error and where it was thrown, not node's closing version line.
      const tail = String(e?.message ?? e).split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^Node\.js v/.test(l) && !/^\s*at (Module|Object\.<anonymous>|node:)/.test(l.trim())).slice(-12);
      lines.push(`> Example \`${ex}\` left out: it does not synthesize under the compiled-JS runner in this checkout. The end of its output:`, '', '```', ...tail.map((l) => l.slice(0, 300)), '```', '');
      return false;
    }
  });
  const floor = appVariant('floor: empty app (aws-cdk-lib only)', 'empty-app');
  const variants: Variant[] = [floor];
  for (const ex of examples) {
    variants.push(
      exampleVariant(ex, 'all packs', { schema: false }),
      exampleVariant(ex, 'all packs + schema check', { schema: true }),
      exampleVariant(ex, 'no packs', { schema: false, preload: 'preload-no-packs.js' }),
      exampleVariant(ex, 'all packs, Control Tower rules filtered by type (proposal)', { schema: false, preload: 'preload-guard-filter.js' }),
    );
  }
  if (options.log) process.stderr.write(`synth: ${variants.length} variants (${examples.join(', ') || 'no examples'})\n`);
  const results = interleave(variants, options);
  const rows = results.map((r) => {
    const stats = assemblyStats(outdir(r.name));
    const counts = r.name.startsWith('floor') || r.name.includes('no packs') ? undefined : reportCounts(outdir(r.name));
    return [r.name, fmt(r.wall, 0, ' ms'), fmt(r.cpu, 0, ' ms'), fmt(r.rss, 0, ' MB'),
      r === results[0] ? '1.00×' : fmtRatio(pairedRatio(r, results[0])),
      String(stats.stacks), String(stats.resources), kb(stats.bytes),
      counts ? `${counts.findings} / ${counts.acks}` : '–'];
  });
  lines.push('### Example apps', '', table(['variant', 'wall median (min–max)', 'CPU', 'peak RSS', 'wall / floor (paired)', 'stacks', 'resources', 'templates', 'findings / acknowledged'], rows), '');
  for (const ex of examples) {
    const packs = byName(results, `${ex} · all packs`);
    const schema = byName(results, `${ex} · all packs + schema check`);
    const none = byName(results, `${ex} · no packs`);
    const filtered = byName(results, `${ex} · all packs, Control Tower rules filtered by type (proposal)`);
    const same = JSON.stringify(reportCounts(outdir(packs.name))) === JSON.stringify(reportCounts(outdir(filtered.name)));
    lines.push(`- **${ex}**: all packs ${fmt(packs.wall, 0, ' ms')}; the packs cost ${fmtRatio(pairedRatio(packs, none))} of a synth without them; the schema check adds ${fmtRatio(pairedRatio(schema, packs))}; filtering Control Tower rules by resource type: ${fmtRatio(pairedRatio(filtered, packs))} of the current time, same report: ${same ? 'yes' : '**no**'}.`);
    headlines.push(`Synth ${ex} with all packs: ${(packs.wall.median / 1000).toFixed(1)} s median (schema check on: ${(schema.wall.median / 1000).toFixed(1)} s; packs off: ${(none.wall.median / 1000).toFixed(1)} s; with the proposed rule filter: ${(filtered.wall.median / 1000).toFixed(1)} s)`);
    goals.push([packs.wall.median < GOAL_EXAMPLE_MS, `Synth of example \`${ex}\` with all packs, no schema check: ${(packs.wall.median / 1000).toFixed(2)} s median (goal < 3 s)`]);
  }
  lines.push('');

  // Peer comparison.
  const peers = [
    { key: 'rampart', label: '(a) cdk-rampart' },
    { key: 'l2', label: '(b) plain aws-cdk-lib L2s' },
    { key: 'solutions', label: '(c) AWS Solutions Constructs' },
  ];
  const peerVariants: Variant[] = [];
  for (const p of peers) {
    peerVariants.push(appVariant(`${p.label}`, `peer-${p.key}`), appVariant(`${p.label} + AwsSolutions pack`, `peer-${p.key}`, { BENCH_PACKS: 'aws-solutions' }));
  }
  if (options.log) process.stderr.write(`synth: peer comparison, ${peerVariants.length} variants\n`);
  const peerResults = interleave(peerVariants, options);
  const sol = byName(peerResults, '(c) AWS Solutions Constructs');
  const solPacks = byName(peerResults, '(c) AWS Solutions Constructs + AwsSolutions pack');
  const peerRows = peers.map((p) => {
    const plain = byName(peerResults, p.label);
    const packs = byName(peerResults, `${p.label} + AwsSolutions pack`);
    const stats = assemblyStats(outdir(p.label));
    const counts = reportCounts(outdir(packs.name), 'AwsSolutions');
    return [p.label, fmt(plain.wall, 0, ' ms'), fmtRatio(pairedRatio(plain, sol)), fmt(packs.wall, 0, ' ms'), fmtRatio(pairedRatio(packs, solPacks)),
      fmt(plain.rss, 0, ' MB'), String(stats.resources), kb(stats.bytes), String(counts.findings), String(counts.acks)];
  });
  lines.push('### Peer comparison', '',
    'The same composition: a static site with a WAF WebACL, a REST API with one traced Lambda route, a DynamoDB table (bench/apps/peer-*.ts), one stack in us-east-1.',
    '`@aws-solutions-constructs/aws-lambda-dynamodb` has no release compatible with `@aws-solutions-constructs/core` 2.104.0, so (c) builds the table with core\'s `buildDynamoDBTable` and the grant and environment variable that pattern adds.', '',
    table(['composition', 'synth wall', 'ratio to (c) (paired)', 'synth + AwsSolutions pack', 'ratio to (c) (paired)', 'peak RSS', 'resources', 'template', 'AwsSolutions findings unacknowledged', 'acknowledged (with reason)'], peerRows), '');
  const rampart = byName(peerResults, '(a) cdk-rampart');
  const rampartPacks = byName(peerResults, '(a) cdk-rampart + AwsSolutions pack');
  const ratio = pairedRatio(rampart, sol);
  const ratioPacks = pairedRatio(rampartPacks, solPacks);
  const rc = reportCounts(outdir(rampartPacks.name), 'AwsSolutions');
  const sc = reportCounts(outdir(solPacks.name), 'AwsSolutions');
  headlines.push(`Peer synth, cdk-rampart / Solutions Constructs: ${fmtRatio(ratio)} (with the AwsSolutions pack: ${fmtRatio(ratioPacks)}); unacknowledged AwsSolutions findings ${rc.findings} vs ${sc.findings}`);
  goals.push([ratio.median <= 1.0 && rc.findings === 0 && sc.findings > 0, `Peer synth ratio cdk-rampart / Solutions Constructs ${ratio.median.toFixed(2)} (goal ≤ 1.0), unacknowledged AwsSolutions findings ${rc.findings} (goal 0) vs ${sc.findings} for the peer`]);
  return { markdown: lines.join('\n'), headlines, goals };
}

if (require.main === module) {
  const r = runSynth({ runs: Number(process.env.RUNS ?? 2), warmup: Number(process.env.WARMUP ?? 0), log: true });
  console.log(r.markdown);
  console.log(r.headlines.join('\n'));
  void os;
}
