/**
 * Whole-process measurements for benchmarks: wall time, CPU time (user + system) and peak memory,
 * taken by GNU time around each run, with variants run interleaved (A B A B ...) after a warm-up
 * because the machines are shared and noisy.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

export interface Variant {
  readonly name: string;
  readonly command: string[];
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Keep the sample when the command exits non-zero (a type check that reports errors still took its time). */
  readonly allowFailure?: boolean;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface InterleavedResult {
  readonly name: string;
  readonly samples: Sample[];
  readonly wall: Summary;
  readonly cpu: Summary;
  readonly rss: Summary;
}

const TIME = '/usr/bin/time';

/** Runs a command once under GNU time; throws with its output when it fails. */
export function measureOnce(v: Variant): Sample {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'time.txt');
  const run = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', out, ...v.command], {
    cwd: v.cwd,
    env: { ...process.env, ...v.env },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && !(v.allowFailure && fs.existsSync(out))) {
    throw new Error(`${v.name}: '${v.command.join(' ')}' exited ${run.status}\n${(run.stderr || run.stdout).slice(-3000)}`);
  }
  const last = fs.readFileSync(out, 'utf-8').trim().split('\n').pop()!;
  const [wall, user, sys, rssKb] = last.split(' ').map(Number);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { wallMs: wall * 1000, cpuMs: (user + sys) * 1000, maxRssMb: rssKb / 1024 };
}

export function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** Runs every variant `runs` times, interleaved, after `warmup` unrecorded rounds. */
export function interleave(variants: Variant[], options: { runs?: number; warmup?: number; log?: boolean } = {}): InterleavedResult[] {
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 1;
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const v of variants) {
      const s = measureOnce(v);
      if (round >= warmup) samples.get(v.name)!.push(s);
      if (options.log) process.stderr.write(`  ${round < warmup ? 'warm-up' : `run ${round - warmup + 1}`} ${v.name}: ${s.wallMs.toFixed(0)} ms\n`);
    }
  }
  return variants.map((v) => {
    const xs = samples.get(v.name)!;
    return {
      name: v.name,
      samples: xs,
      wall: summarize(xs.map((x) => x.wallMs)),
      cpu: summarize(xs.map((x) => x.cpuMs)),
      rss: summarize(xs.map((x) => x.maxRssMb)),
    };
  });
}

/**
 * Ratios of `a` to `b` computed pair by pair (run i of a over run i of b, which ran next to each
 * other), summarised; robust to drift in machine load over the whole benchmark.
 */
export function pairedRatio(a: InterleavedResult, b: InterleavedResult, metric: 'wallMs' | 'cpuMs' = 'wallMs'): Summary {
  const n = Math.min(a.samples.length, b.samples.length);
  const ratios = Array.from({ length: n }, (_, i) => a.samples[i][metric] / b.samples[i][metric]);
  return summarize(ratios);
}

export function fmt(s: Summary, digits = 0, unit = ''): string {
  return `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${os.type()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}`;
}

/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** A ratio summary as `1.23× (1.10–1.40)`. */
export function fmtRatio(s: Summary): string {
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

/** Options every section takes from the command line. */
export interface BenchOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly log: boolean;
}

/** What a section hands back: its Markdown and the headline lines for the summary at the top. */
export interface SectionResult {
  readonly markdown: string;
  readonly headlines: string[];
  /** Goal lines: `[met, text]`. */
  readonly goals: [boolean | undefined, string][];
}
