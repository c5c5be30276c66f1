/**
 * Section 2, tests: the whole test command once (or `--test-runs N` times) with jest's per-file times
 * from the junit report, the share of files that synthesize; and the transform comparison, ts-jest
 * with type checking vs @swc/jest on the same files (bench/jest/*.config.js), interleaved, plus the
 * one `tsc --noEmit` the transpile-only transform needs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../lib/compile';
import { BenchOptions, fmt, fmtRatio, interleave, measureOnce, pairedRatio, SectionResult, table } from '../lib/measure';

const GOAL_MS = 5 * 60 * 1000;

function junitFileTimes(): [string, number][] {
  const file = path.join(ROOT, 'test-reports', 'junit.xml');
  if (!fs.existsSync(file)) return [];
  const xml = fs.readFileSync(file, 'utf-8');
  const out: [string, number][] = [];
  for (const m of xml.matchAll(/<testsuite [^>]*name="([^"]*)"[^>]*time="([\d.]+)"[^>]*file="([^"]*)"/g)) out.push([m[3], Number(m[2]) * 1000]);
  if (out.length === 0) for (const m of xml.matchAll(/<testsuite [^>]*name="([^"]*)"[^>]*time="([\d.]+)"/g)) out.push([m[1], Number(m[2]) * 1000]);
  return out;
}

function synthesizes(file: string): boolean {
  const full = path.isAbsolute(file) ? file : path.join(ROOT, file);
  if (!fs.existsSync(full)) return false;
  return /Template\.fromStack|expectCompliant|complianceReport|\.synth\(\)|Annotations\.fromStack/.test(fs.readFileSync(full, 'utf-8'));
}

export function runTests(options: BenchOptions & { fullRuns: number }): SectionResult {
  const lines = ['## 2. Tests', ''];
  const headlines: string[] = [];
  const goals: [boolean | undefined, string][] = [];

  if (options.fullRuns > 0) {
    const full = interleave([{ name: 'npx projen test', command: ['npx', 'projen', 'test'], cwd: ROOT }], { runs: options.fullRuns, warmup: 0, log: options.log });
    const times = junitFileTimes();
    const total = times.reduce((s, [, t]) => s + t, 0);
    const synth = times.filter(([f]) => synthesizes(f)).reduce((s, [, t]) => s + t, 0);
    lines.push('### The whole test command', '', table(['command', 'wall', 'CPU', 'peak RSS', 'test files', 'sum of per-file times', 'of which files that synthesize'],
      [['`npx projen test` (bundle, examples:build, jest, eslint, tsc)', fmt(full[0].wall, 0, ' ms'), fmt(full[0].cpu, 0, ' ms'), fmt(full[0].rss, 0, ' MB'), String(times.length), `${(total / 1000).toFixed(0)} s`, `${(synth / 1000).toFixed(0)} s (${total ? ((100 * synth) / total).toFixed(0) : '–'}%)`]]), '',
    'Slowest test files (jest-junit, wall per file, workers in parallel):', '',
    table(['file', 'time', 'synthesizes'], [...times].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([f, t]) => [f, `${(t / 1000).toFixed(1)} s`, synthesizes(f) ? 'yes' : 'no'])), '');
    goals.push([full[0].wall.median < GOAL_MS, `Whole test command ${(full[0].wall.median / 60000).toFixed(1)} min (goal < 5 min); files that synthesize take ${total ? ((100 * synth) / total).toFixed(0) : '?'}% of the per-file time`]);
    headlines.push(`Whole test command: ${(full[0].wall.median / 1000).toFixed(0)} s`);
  } else {
    lines.push('The whole test command was not run this time (`--test-runs 0`).', '');
    goals.push([undefined, 'Whole test command: not measured in this run']);
  }

  const files = process.env.BENCH_TEST_FILES ?? 'test/data/data-table.test.ts,test/api/traced-api.test.ts,test/compliance/compliance.test.ts';
  const jest = (config: string) => ['npx', 'jest', '-c', `bench/jest/${config}.config.js`, '--ci', '--no-cache', '--silent'];
  const env = { RAMPART_ENGINES: 'none' };
  const results = interleave([
    { name: 'ts-jest (type check per file)', command: jest('ts-jest'), cwd: ROOT, env },
    { name: '@swc/jest (transpile only)', command: jest('swc'), cwd: ROOT, env },
  ], options);
  const tsc = measureOnce({ name: 'tsc', command: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.dev.json'], cwd: ROOT, allowFailure: true });
  const ratio = pairedRatio(results[0], results[1]);
  lines.push('### Test transform', '', `The same files (${files.split(',').join(', ')}), \`--no-cache\` (a CI run's first transform), no engines, no coverage, ${options.runs} runs after ${options.warmup} warm-up, interleaved.`, '',
    table(['transform', 'wall', 'CPU', 'peak RSS', 'ratio to @swc/jest (paired)'], results.map((r) => [r.name, fmt(r.wall, 0, ' ms'), fmt(r.cpu, 0, ' ms'), fmt(r.rss, 0, ' MB'), fmtRatio(pairedRatio(r, results[1]))])), '',
    `\`tsc --noEmit -p tsconfig.dev.json\` (the whole repository, once per run, what the transpile-only transform leaves to the type check): ${tsc.wallMs.toFixed(0)} ms wall, ${tsc.cpuMs.toFixed(0)} ms CPU, ${tsc.maxRssMb.toFixed(0)} MB. Choice: **@swc/jest** (already the project's transform) with \`tsc\` once in the test task; ts-jest's type check costs ${ratio.median.toFixed(2)}× on these three files and grows with every file, while \`tsc\` runs once.`, '');
  headlines.push(`Test transform: ts-jest with type check / @swc/jest = ${fmtRatio(ratio)}`);
  return { markdown: lines.join('\n'), headlines, goals };
}
