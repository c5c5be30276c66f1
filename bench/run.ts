/**
 * Runs the benchmarks and writes bench/RESULTS.md.
 *
 *   npx ts-node --swc bench/run.ts                       # everything (about 15-25 minutes)
 *   npx ts-node --swc bench/run.ts --only synth,handlers --runs 2 --warmup 0   # a quick pass
 *
 * Options: --only synth,tests,handlers,launch,rewards-latency,images; --runs N (default 5); --warmup N (default 1);
 * --test-runs N (the whole `npx projen test`, default 1; 0 skips it); --amount N and --seconds N
 * (launch-day bounds: applications and checks each, default 3000, and 60 s); --connections N (both
 * routes together, default 20); --citizens N (registered before the load, default 200).
 * --transactions N and --poll-ms N (rewards-latency: exchanges sent, default 200; the stream pollers'
 * interval, default 250).
 * With --only, RESULTS.md keeps the sections that were not run from its previous version.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './lib/compile';
import { machineLine, SectionResult } from './lib/measure';
import { runHandlers, HandlerFigures } from './sections/handlers';
import { runImages } from './sections/images';
import { runLaunch } from './sections/launch';
import { runRewardsLatency } from './sections/rewards-latency';
import { runSynth } from './sections/synth';
import { runTests } from './sections/tests';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
const ORDER = ['synth', 'tests', 'handlers', 'launch', 'rewards-latency', 'images'];

function previousSections(): Record<string, string> {
  if (!fs.existsSync(RESULTS)) return {};
  const text = fs.readFileSync(RESULTS, 'utf-8');
  const out: Record<string, string> = {};
  const parts = text.split(/^(?=## \d\. )/m);
  for (const p of parts) {
    const m = p.match(/^## (\d)\. /);
    if (m) out[ORDER[Number(m[1]) - 1]] = p.trimEnd();
  }
  return out;
}

async function main(): Promise<void> {
  const only = arg('only', ORDER.join(',')).split(',');
  const base = { runs: Number(arg('runs', '5')), warmup: Number(arg('warmup', '1')), log: true };
  const results: Record<string, SectionResult> = {};
  const t0 = Date.now();
  let figures: HandlerFigures[] = [];
  // A section that fails is reported as failed; the others still make it into RESULTS.md.
  const guard = async (key: string, title: string, run: () => Promise<SectionResult> | SectionResult) => {
    try {
      results[key] = await run();
    } catch (e: any) {
      console.error(`${key} failed:`, e);
      const message = String(e?.message ?? e).slice(0, 2000);
      results[key] = { markdown: `## ${title}\n\n**Failed in this run:**\n\n\`\`\`\n${message}\n\`\`\`\n`, headlines: [], goals: [[false, `${title}: failed in this run`]] };
    }
  };
  if (only.includes('synth')) await guard('synth', '1. Synth', () => runSynth(base));
  if (only.includes('tests')) await guard('tests', '2. Tests', () => runTests({ ...base, fullRuns: Number(arg('test-runs', '1')) }));
  if (only.includes('handlers')) {
    await guard('handlers', '3. Handlers', async () => {
      const h = await runHandlers({ ...base, warmCount: Number(arg('warm-count', '2000')), concurrency: Number(arg('concurrency', '8')) });
      figures = h.figures;
      return h;
    });
  }
  if (only.includes('launch')) {
    await guard('launch', '4. Launch day', () => runLaunch({
      ...base,
      amount: Number(arg('amount', '3000')),
      seconds: Number(arg('seconds', '60')),
      connections: Number(arg('connections', '20')),
      citizens: Number(arg('citizens', '200')),
      handlerFigures: figures.length > 0 ? figures : undefined,
    }));
  }
  if (only.includes('rewards-latency')) {
    await guard('rewards-latency', '5. Rewards latency', () => runRewardsLatency({
      log: base.log,
      transactions: Number(arg('transactions', '200')),
      pollMs: Number(arg('poll-ms', '250')),
    }));
  }
  if (only.includes('images')) await guard('images', '6. Images', () => runImages(base));
  const previous = previousSections();
  // Headline and goal lines of sections not re-run this time are kept from the previous RESULTS.md.
  const previousLines = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf-8').split('\n') : [];
  const kept = (k: string, kind: 'headline' | 'goal') => previousLines
    .filter((l) => l.startsWith('- ') && l.endsWith(kind === 'goal' ? `<!-- ${k} goal -->` : `<!-- ${k} -->`))
    .map((l) => (l.includes('(earlier run)') ? l : l.replace(/ <!--/, ' (earlier run) <!--')));
  const date = new Date().toISOString().slice(0, 10);
  const md = [
    '# cdk-rampart benchmarks', '',
    `Written by \`${['npx ts-node --swc bench/run.ts', ...process.argv.slice(2)].join(' ')}\` on ${date} (${((Date.now() - t0) / 60000).toFixed(1)} min).`,
    '',
    `Machine: ${machineLine()}. Shared and noisy: variants run interleaved (A B A B ...) after warm-up; medians with min–max; ratios computed pair by pair. Figures, not assertions.`,
    '',
    '## Headlines', '',
    ...ORDER.flatMap((k) => (results[k] ? results[k].headlines.map((h) => `- ${h} <!-- ${k} -->`) : kept(k, 'headline'))),
    '',
    '## Goals (issue 10)', '',
    ...ORDER.flatMap((k) => (results[k] ? results[k].goals.map(([met, text]) => `- ${met === undefined ? '⏳' : met ? '✅ met' : '❌ missed'}: ${text} <!-- ${k} goal -->`) : kept(k, 'goal'))),
    '',
    ...ORDER.map((k) => results[k]?.markdown ?? (previous[k] ? `${previous[k].replace(/(\n+_\(from an earlier run; not re-run this time\)_)+$/, '')}\n\n_(from an earlier run; not re-run this time)_\n` : '')),
  ].join('\n');
  fs.writeFileSync(RESULTS, md.replace(/\n{3,}/g, '\n\n'));
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
