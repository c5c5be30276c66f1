import type { LocalEngine, StartedEngine } from '../../../tools/engines';

/**
 * What a local run has started, stopped last first when it stops (or when starting it fails):
 * every step is tried even when one before it failed, and a failure is logged, not thrown.
 */
export class LocalCleanups {
  private readonly steps: (() => Promise<void>)[] = [];
  private stopping?: Promise<void>;

  /** @param system the example's name, in the log lines */
  constructor(private readonly system: string) {}

  /** Add what stops something just started. */
  public push(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** Run every step added so far, last first. */
  public async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try { await step(); } catch (e) { console.error(`[${this.system}] cleanup:`, e); }
    }
  }

  /** A run's `stop()`: the steps run once; a second call waits for the first. */
  public stop(): Promise<void> {
    return (this.stopping ??= this.run());
  }
}

/**
 * The process environment a local run's handlers load in (they read it when they load, as in
 * Lambda): local credentials and region, Powertools in its dev mode and quiet unless `log`, and
 * the service's name when given. Only what is unset is set, so a test's own settings stay.
 */
export function setLocalProcessEnvironment(options: { readonly log: boolean; readonly service?: string }): void {
  const defaults: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_LOG_LEVEL: options.log ? 'WARN' : 'SILENT',
    ...(options.service ? { POWERTOOLS_SERVICE_NAME: options.service, POWERTOOLS_METRICS_NAMESPACE: options.service } : {}),
  };
  for (const [k, v] of Object.entries(defaults)) process.env[k] ??= v;
}

/**
 * The engines a local run talks to: started here and stopped with the run, or, with
 * `useRunning`, the ones already running whose endpoints the environment names (a test run's).
 * Returns the lookup of their variables (`DYNAMODB_ENDPOINT`, ...), which fails naming a missing one.
 */
export async function localEngines(
  engines: readonly LocalEngine[], useRunning: boolean, cleanups: LocalCleanups,
): Promise<(name: string) => string> {
  const started: StartedEngine[] = [];
  if (!useRunning) {
    const results = await Promise.allSettled(engines.map((e) => e.start()));
    for (const s of results) if (s.status === 'fulfilled') started.push(s.value);
    cleanups.push(async () => { for (const e of started.reverse()) await e.stop(); });
    const failed = results.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw new Error(`A local engine did not start (bash tools/setup.sh installs them): ${failed.reason?.message ?? failed.reason}`);
  }
  return (name: string) => {
    const value = started.find((e) => e.env[name] !== undefined)?.env[name] ?? process.env[name];
    if (!value) throw new Error(`${name} is not set: start the engines (or leave useRunningEngines off)`);
    return value;
  };
}
