import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stage } from 'aws-cdk-lib';

/** The `ruleMetadata` key keeping the severity a pack gave a finding before the gate made it an error. */
export const PACK_SEVERITY = 'rampart:packSeverity';

/** The directory of the cloud assembly where each pack records the templates it checked. */
export const PACKS_RUN_DIRECTORY = 'rampart-compliance';

/** What a pack records in `rampart-compliance/` of the assembly each time it runs. */
export interface PackRunRecord {
  readonly pack: string;
  readonly version?: string;
  /** The templates checked: path relative to the root assembly directory, and the SHA-256 of their content. */
  readonly templates: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
}

/** SHA-256 of a file's bytes, hex. */
export function sha256Of(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * A pack's plugin as the compliance gate runs it.
 *
 * 1. Every finding carries severity `error`, so that the pack fails while any finding is
 *    unacknowledged, whatever else is acknowledged. A pack concludes `failure` on any finding
 *    (cdk-nag: any violation, warnings included; cfn-guard: any non-compliant check, reported with
 *    no severity at all). But once an acknowledgement matches one of its findings, aws-cdk-lib
 *    recomputes the pack's conclusion from the severities of the findings left, and only `error` and
 *    `fatal` fail: a cfn-guard finding or a cdk-nag warning left unacknowledged would then pass.
 *    Fatal findings stay fatal (those cannot be acknowledged). The pack's own severity is kept in
 *    the finding's `ruleMetadata` under `rampart:packSeverity`.
 * 2. It records the templates it checked (path and hash) in `rampart-compliance/` of the assembly,
 *    so that `ComplianceReport` can tell a pack that ran clean from a pack that never ran (the
 *    validation report lists only packs with findings). The record's name holds the hash of its
 *    content, so a synth of unchanged templates rewrites no file.
 */
export class GatedPack implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly pack: IPolicyValidationPlugin) {
    this.name = pack.name;
    this.version = pack.version;
    this.ruleIds = pack.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.pack.validate(context);
    const violations = report.violations.map(asError);
    this.record(context);
    return { ...report, success: report.success && violations.length === 0, violations };
  }

  private record(context: IPolicyValidationContext): void {
    const templates = context.templatePaths.map((p) => path.resolve(p));
    if (templates.length === 0) return;
    const root = assemblyRoot(context, templates);
    const record: PackRunRecord = {
      pack: this.name,
      ...(this.version ? { version: this.version } : {}),
      templates: templates.map((t) => ({ path: path.relative(root, t).split(path.sep).join('/'), sha256: sha256Of(t) })).sort((a, b) => a.path.localeCompare(b.path)),
    };
    const text = `${JSON.stringify(record, undefined, 2)}\n`;
    const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
    const dir = path.join(root, PACKS_RUN_DIRECTORY);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.name.replace(/[^A-Za-z0-9.-]+/g, '-')}.${hash}.json`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, text);
  }
}

/** The root cloud assembly directory: the app's outdir, else the deepest directory holding every template. */
function assemblyRoot(context: IPolicyValidationContext, templates: string[]): string {
  const app = (context as { appConstruct?: unknown }).appConstruct;
  if (app && Stage.isStage(app)) return path.resolve(app.outdir);
  let dir = path.dirname(templates[0]);
  while (!templates.every((t) => t.startsWith(dir + path.sep)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function asError(v: PolicyViolation): PolicyViolation {
  // aws-cdk-lib compares the exact lowercase words.
  const severity = v.severity?.toLowerCase();
  if (severity === 'fatal' || severity === 'error') return v.severity === severity ? v : { ...v, severity };
  return {
    ...v,
    severity: 'error',
    ruleMetadata: { ...v.ruleMetadata, [PACK_SEVERITY]: v.severity ?? 'none' },
  };
}
