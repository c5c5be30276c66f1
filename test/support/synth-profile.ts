import * as fs from 'fs';
import type { Stage } from 'aws-cdk-lib';

/**
 * The environment variable naming a file where each test file appends, as one JSON line, the
 * time it spent synthesizing: every outermost `Stage.synth()` (`Template.fromStack`, `app.synth()`,
 * `expectCompliant`), split into synths with the CloudFormation schema check and the packs
 * (`CDK_VALIDATION=true`, as `expectCompliant` runs them) and synths without. Unset: nothing is
 * measured. It measures, it asserts nothing: `RAMPART_SYNTH_PROFILE=/tmp/synth.jsonl npx jest ...`.
 */
export const SYNTH_PROFILE_VARIABLE = 'RAMPART_SYNTH_PROFILE';

/** One test file's synth time. */
export interface SynthProfile {
  readonly file: string;
  /** Milliseconds in synths without the packs, and their number. */
  readonly plainMs: number;
  readonly plain: number;
  /** Milliseconds in synths with the schema check and the packs, and their number. */
  readonly packsMs: number;
  readonly packs: number;
}

/** Times this file's synths (see SYNTH_PROFILE_VARIABLE) and appends the totals after its last test. */
export function profileSynths(out: string): void {
  // Loaded here, not at the top: files that never synthesize keep from loading aws-cdk-lib.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Stage: StageClass } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const totals = { plainMs: 0, plain: 0, packsMs: 0, packs: 0 };
  const original = StageClass.prototype.synth;
  let depth = 0;
  StageClass.prototype.synth = function synth(this: Stage, ...args: Parameters<Stage['synth']>) {
    if (depth > 0) return original.apply(this, args);
    const packs = process.env.CDK_VALIDATION === 'true';
    const start = performance.now();
    depth++;
    try {
      return original.apply(this, args);
    } finally {
      depth--;
      const ms = performance.now() - start;
      if (packs) { totals.packsMs += ms; totals.packs++; } else { totals.plainMs += ms; totals.plain++; }
    }
  };
  afterAll(() => {
    const profile: SynthProfile = { file: expect.getState().testPath ?? '', ...totals };
    fs.appendFileSync(out, `${JSON.stringify({ ...profile, plainMs: Math.round(profile.plainMs), packsMs: Math.round(profile.packsMs) })}\n`);
  });
}
