import * as fs from 'fs';
import * as path from 'path';
import { Compliance, CompliancePack } from './compliance';
import { PACK_SEVERITY, PACKS_RUN_DIRECTORY, PackRunRecord, sha256Of } from './private/gated-pack';
import { residualRisk } from './private/residual-risks';
import { sarifLog } from './private/sarif';

/** One rule that a resource breaks. */
export interface ComplianceFinding {
  /** The pack (validation plugin) that reported it, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** The rule id, e.g. `AwsSolutions-S1`. */
  readonly ruleId: string;
  /** What the rule says is wrong. */
  readonly message: string;
  /**
   * `error`, `warning`, `info` or `fatal`: the severity the pack gives the rule (a cdk-nag `warning`
   * fails the gate like an `error`; Control Tower findings are `error`).
   */
  readonly severity: string;
  /** The construct path of the resource, e.g. `MyStack/Site/Bucket/Resource`. */
  readonly constructPath: string;
  /** The construct path of the stack holding the resource; empty when it is not inside a stack. */
  readonly stack: string;
  /**
   * The logical id of the resource in its stack's template.
   *
   * @default - not known (the finding is not on a template resource)
   */
  readonly logicalId?: string;
  /**
   * The fix the plugin suggests.
   *
   * @default - none suggested
   */
  readonly suggestedFix?: string;
}

/** A finding that was acknowledged, with the reason given. */
export interface ComplianceAcknowledgement extends ComplianceFinding {
  /** Why the finding is acceptable, as given to `Compliance.acknowledge`. */
  readonly reason: string;
}

/**
 * The acknowledgements of one resource that share one reason: what a reviewer reads once, with
 * every rule and pack it covers.
 */
export interface ComplianceAcknowledgementSite {
  /** The construct path of the resource. */
  readonly constructPath: string;
  /** The construct path of the stack holding the resource; empty when it is not inside a stack. */
  readonly stack: string;
  /** Why the findings are acceptable. */
  readonly reason: string;
  /** The rule ids acknowledged, in report order, without repeats. */
  readonly ruleIds: string[];
  /** The packs those rules belong to, without repeats. */
  readonly packs: string[];
}

/** A risk that an acknowledgement leaves, which a reviewer should weigh first. */
export interface ComplianceResidualRisk {
  /** The construct path of the stack. */
  readonly stack: string;
  /** The acknowledged rule, e.g. `AwsSolutions-CFR4`. */
  readonly ruleId: string;
  /** The risk, in one sentence. */
  readonly risk: string;
  /** Construct paths of the resources that carry it. */
  readonly resources: string[];
}

/** Per-stack counts in a `ComplianceReport`. */
export interface ComplianceStackSummary {
  /** The construct path of the stack. */
  readonly stack: string;
  /** Unacknowledged findings. */
  readonly findings: number;
  /** Acknowledged findings. */
  readonly acknowledgements: number;
  /** Acknowledgement sites: distinct (resource, reason) pairs. */
  readonly acknowledgementSites: number;
  /** Distinct reasons among the acknowledgements. */
  readonly reasons: number;
}

/** Options for `ComplianceReport.fromAssembly()`. */
export interface ComplianceReportOptions {
  /**
   * The packs that must have checked every stack of the assembly. A pack among them that did not
   * run (not enabled, or enabled on a stage that does not hold every stack) makes the report not
   * compliant, and is listed in `missingPacks`. An empty list requires none.
   *
   * @default - every pack: `Compliance.DEFAULT_PACKS`
   */
  readonly requiredPacks?: CompliancePack[];
}

/** Options for `ComplianceReport.toSarif()`. */
export interface ComplianceSarifOptions {
  /**
   * The directory the templates' URIs are written relative to (the repository root, for GitHub
   * code scanning).
   *
   * @default - the current working directory
   */
  readonly artifactRoot?: string;
}

/** A pack that did not check a stack. */
export interface ComplianceMissingPack {
  /** The pack, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** The construct path of the stack it did not check. */
  readonly stack: string;
}

interface RawViolatingConstruct {
  readonly constructPath?: string;
}
interface RawViolation {
  readonly ruleName: string;
  readonly description?: string;
  readonly suggestedFix?: string;
  readonly severity?: string;
  readonly ruleMetadata?: Record<string, string>;
  readonly violatingConstructs?: RawViolatingConstruct[];
  readonly reason?: string;
}
interface RawPluginReport {
  readonly pluginName: string;
  readonly conclusion?: string;
  readonly metadata?: { readonly error?: string };
  readonly violations?: RawViolation[];
  readonly suppressedViolations?: RawViolation[];
}

/**
 * The compliance result of a synthesized cloud assembly, read from the `validation-report.json`
 * that CDK writes when validation plugins are registered (see `Compliance`).
 */
export class ComplianceReport {
  /**
   * Read the report of a synthesized cloud assembly.
   *
   * It vouches only for what it saw: a directory that is not a readable cloud assembly, or a
   * validation report that cannot be read, is an error; a required pack that did not check every
   * stack makes the report not compliant (see `missingPacks`).
   *
   * @param directory the cloud assembly directory (`cdk.out`)
   * @param options the packs that must have run
   */
  public static fromAssembly(directory: string, options: ComplianceReportOptions = {}): ComplianceReport {
    const requiredPacks = [...new Set(options.requiredPacks ?? Compliance.DEFAULT_PACKS)];
    const known = Object.values(CompliancePack) as string[];
    const unknown = requiredPacks.filter((p) => !known.includes(p));
    if (unknown.length > 0) {
      throw new Error(`ComplianceReport.fromAssembly: requiredPacks: [${unknown.join(', ')}] are not packs; allowed: ${known.join(', ')}`);
    }
    const stackInfos = listStacks(directory, directory).sort((a, b) => a.path.localeCompare(b.path));
    const stacks = stackInfos.map((s) => s.path);
    const locations = resourceLocations(stackInfos);
    const packsRun = packsThatRan(directory, stackInfos);
    const missingPacks: ComplianceMissingPack[] = [];
    for (const pack of requiredPacks) {
      for (const s of stackInfos) if (!packsRun.get(pack)?.has(s.path)) missingPacks.push({ pack, stack: s.path });
      if (stackInfos.length === 0) missingPacks.push({ pack, stack: '' });
    }
    const findings: ComplianceFinding[] = [];
    const acknowledgements: ComplianceAcknowledgement[] = [];
    const packs: string[] = [];
    for (const plugin of readValidationReport(directory).pluginReports ?? []) {
      packs.push(plugin.pluginName);
      const failure = plugin.conclusion === 'failure' && (plugin.violations ?? []).length === 0 ? plugin.metadata?.error : undefined;
      if (failure) {
        findings.push({ pack: plugin.pluginName, ruleId: 'plugin-failure', message: failure, severity: 'fatal', constructPath: '', stack: '' });
      }
      for (const v of plugin.violations ?? []) {
        findings.push(...expand(plugin.pluginName, v, stacks, locations));
      }
      for (const v of plugin.suppressedViolations ?? []) {
        acknowledgements.push(...expand(plugin.pluginName, v, stacks, locations).map((f) => ({ ...f, reason: v.reason ?? '' })));
      }
    }
    const ran = [...packsRun].filter(([, checked]) => stacks.length > 0 && stacks.every((s) => checked.has(s))).map(([pack]) => pack).sort();
    return new ComplianceReport(stacks, packs, ran, missingPacks, findings, acknowledgements, locations);
  }

  /**
   * One SARIF 2.1.0 log of several reports (for example one per app), one run per pack.
   *
   * @param reports the reports, in order
   * @param options where artifact URIs are relative to
   */
  public static sarifOf(reports: ComplianceReport[], options: ComplianceSarifOptions = {}): string {
    const located = reports.flatMap((r) => r.located());
    return `${JSON.stringify(sarifLog(located, path.resolve(options.artifactRoot ?? process.cwd())), undefined, 2)}\n`;
  }

  /** Construct paths of every stack in the assembly, nested stages included, sorted. */
  public readonly stacks: string[];
  /** Names of the packs (and other validation plugins) that reported a finding or an acknowledgement. */
  public readonly packs: string[];
  /** Names of the packs that checked every stack of the assembly, sorted. */
  public readonly packsRun: string[];
  /** Each required pack that did not check a stack (the stack is empty when the assembly holds none). */
  public readonly missingPacks: ComplianceMissingPack[];
  /** Unacknowledged findings. */
  public readonly findings: ComplianceFinding[];
  /** Acknowledged findings with their reasons. */
  public readonly acknowledgements: ComplianceAcknowledgement[];

  private constructor(
    stacks: string[],
    packs: string[],
    packsRun: string[],
    missingPacks: ComplianceMissingPack[],
    findings: ComplianceFinding[],
    acknowledgements: ComplianceAcknowledgement[],
    private readonly locations: ReadonlyMap<string, ResourceLocation>,
  ) {
    this.stacks = stacks;
    this.packs = packs;
    this.packsRun = packsRun;
    this.missingPacks = missingPacks;
    this.findings = findings;
    this.acknowledgements = acknowledgements;
  }

  /** True when every required pack checked every stack and nothing is left unacknowledged. */
  public get compliant(): boolean {
    return this.findings.length === 0 && this.missingPacks.length === 0;
  }

  /**
   * The part of this report about one stack and the stages or stacks nested in it.
   *
   * @param stack the construct path of the stack
   */
  public forStack(stack: string): ComplianceReport {
    const inside = (p: string) => p === stack || p.startsWith(`${stack}/`);
    return new ComplianceReport(
      this.stacks.filter(inside),
      this.packs,
      this.packsRun,
      this.missingPacks.filter((m) => inside(m.stack)),
      this.findings.filter((f) => inside(f.stack)),
      this.acknowledgements.filter((a) => inside(a.stack)),
      this.locations,
    );
  }

  /** Counts per stack, sorted by stack path. */
  public summary(): ComplianceStackSummary[] {
    const sites = this.acknowledgementSites();
    return this.stacks.map((stack) => {
      const acks = this.acknowledgements.filter((a) => a.stack === stack);
      return {
        stack,
        findings: this.findings.filter((f) => f.stack === stack).length,
        acknowledgements: acks.length,
        acknowledgementSites: sites.filter((x) => x.stack === stack).length,
        reasons: unique(acks.map((a) => a.reason)).length,
      };
    });
  }

  /**
   * The risks the acknowledgements leave that a reviewer should weigh first (for example a site
   * served with CloudFront's default certificate, which accepts old TLS versions), per stack and
   * rule, with the resources that carry them.
   */
  public residualRisks(): ComplianceResidualRisk[] {
    const risks = new Map<string, { stack: string; ruleId: string; risk: string; resources: string[] }>();
    for (const a of this.acknowledgements) {
      const risk = residualRisk(a.ruleId);
      if (risk === undefined) continue;
      const key = JSON.stringify([a.stack, a.ruleId]);
      const entry = risks.get(key) ?? { stack: a.stack, ruleId: a.ruleId, risk, resources: [] };
      if (!entry.resources.includes(a.constructPath)) entry.resources.push(a.constructPath);
      risks.set(key, entry);
    }
    return [...risks.values()];
  }

  /**
   * The acknowledgements grouped by resource and reason: one site per (resource, reason), with the
   * rules and packs it covers, in the order the report first lists them.
   */
  public acknowledgementSites(): ComplianceAcknowledgementSite[] {
    const sites = new Map<string, { constructPath: string; stack: string; reason: string; ruleIds: string[]; packs: string[] }>();
    for (const a of this.acknowledgements) {
      const key = JSON.stringify([a.constructPath, a.reason]);
      let site = sites.get(key);
      if (!site) {
        site = { constructPath: a.constructPath, stack: a.stack, reason: a.reason, ruleIds: [], packs: [] };
        sites.set(key, site);
      }
      if (!site.ruleIds.includes(a.ruleId)) site.ruleIds.push(a.ruleId);
      if (!site.packs.includes(a.pack)) site.packs.push(a.pack);
    }
    return [...sites.values()];
  }

  /** One line per pack that did not run on a stack, then one per unacknowledged finding: pack, rule, path and message. */
  public describeFindings(): string {
    return [
      ...this.missingPacks.map((m) => `[${m.pack}] did not run on ${m.stack ? `stack ${m.stack}` : 'any stack (the assembly holds none)'}: enable it (Compliance.of(app).enable) on the app`),
      ...this.findings.map((f) => `[${f.pack}] ${f.ruleId} at ${f.constructPath || '<app>'}: ${f.message}`),
    ].join('\n');
  }

  /**
   * Markdown for a security reviewer: per stack, the findings per pack, then each acknowledgement
   * site (one row per resource and reason) with the rules and packs it covers.
   *
   * @param title the heading of the section
   */
  public toMarkdown(title: string): string {
    const out: string[] = [`## ${title}`, ''];
    out.push(`Packs run: ${this.packsRun.length > 0 ? this.packsRun.join(', ') : 'none'}. Result: ${this.status()}.`, '');
    out.push(...this.summaryMarkdown());
    const orphans = this.findings.filter((f) => !this.stacks.includes(f.stack));
    const stacks = orphans.length > 0 ? [...this.stacks, ''] : this.stacks;
    const sites = this.acknowledgementSites();
    for (const stack of stacks) {
      const findings = this.findings.filter((f) => f.stack === stack);
      const acks = this.acknowledgements.filter((a) => a.stack === stack);
      const stackSites = sites.filter((x) => x.stack === stack);
      out.push(`### ${stack === '' ? 'Outside any stack' : `Stack \`${stack}\``}`, '');
      out.push(`${findings.length} unacknowledged finding(s); ${acks.length} acknowledged finding(s) at ${stackSites.length} site(s) (resource and reason).`, '');
      for (const pack of unique(findings.map((f) => f.pack))) {
        out.push(`#### Findings: ${pack}`, '');
        out.push('| Finding | Resource | Message |', '|---|---|---|');
        for (const f of findings.filter((x) => x.pack === pack)) out.push(`| ${cell(f.ruleId)} | ${cell(relative(f))} | ${cell(f.message)} |`);
        out.push('');
      }
      if (stackSites.length > 0) {
        out.push('#### Acknowledged', '');
        out.push('| Resource | Reason | Rules | Packs |', '|---|---|---|---|');
        for (const x of stackSites) {
          out.push(`| ${cell(relative(x))} | ${cell(x.reason)} | ${cell(x.ruleIds.join(', '))} | ${cell(x.packs.join(', '))} |`);
        }
        out.push('');
      }
    }
    return out.join('\n');
  }

  /**
   * The report as a SARIF 2.1.0 log (JSON text), for GitHub code scanning and other SARIF viewers:
   * one run per pack; each finding a result, each acknowledged finding a result with an accepted
   * suppression whose justification is the reason; located by template (file and line of the
   * resource) and by construct path and logical id.
   *
   * @param options where artifact URIs are relative to
   */
  public toSarif(options: ComplianceSarifOptions = {}): string {
    return ComplianceReport.sarifOf([this], options);
  }

  /** Findings then acknowledgements with where each sits in its template. */
  private located() {
    return [...this.findings, ...this.acknowledgements].map((f) => {
      const at = this.locations.get(f.constructPath);
      return { ...f, ...(at ? { templateFile: at.template, templateLine: at.line } : {}) };
    });
  }

  /** The summary a reviewer reads first: counts per stack, then the residual risks. */
  private summaryMarkdown(): string[] {
    const out: string[] = ['| Stack | Findings | Acknowledged findings | Acknowledgement sites | Distinct reasons |', '|---|---|---|---|---|'];
    const summary = this.summary();
    for (const s of summary) out.push(`| \`${s.stack}\` | ${s.findings} | ${s.acknowledgements} | ${s.acknowledgementSites} | ${s.reasons} |`);
    const total = (k: 'findings' | 'acknowledgements' | 'acknowledgementSites') => summary.reduce((n, s) => n + s[k], 0);
    out.push(`| all | ${total('findings')} | ${total('acknowledgements')} | ${total('acknowledgementSites')} | ${unique(this.acknowledgements.map((a) => a.reason)).length} |`, '');
    const risks = this.residualRisks();
    out.push('**Residual risks to read first**', '');
    if (risks.length === 0) out.push('None of the acknowledged rules leaves a risk listed for review.', '');
    for (const r of risks) {
      out.push(`- \`${r.stack}\` (${r.ruleId}): ${r.risk} Resources: ${r.resources.map((p) => relative({ stack: r.stack, constructPath: p })).join(', ')}.`);
    }
    if (risks.length > 0) out.push('');
    return out;
  }

  /** `compliant`, or what keeps the report from it. */
  private status(): string {
    if (this.compliant) return 'compliant';
    return [
      ...(this.missingPacks.length > 0 ? [`**pack(s) not run: ${unique(this.missingPacks.map((m) => m.pack)).join(', ')}**`] : []),
      ...(this.findings.length > 0 || this.missingPacks.length === 0 ? [`**${this.findings.length} unacknowledged finding(s)**`] : []),
    ].join(', ');
  }
}

function expand(pack: string, v: RawViolation, stacks: string[], locations: ReadonlyMap<string, ResourceLocation>): ComplianceFinding[] {
  const packSeverity = v.ruleMetadata?.[PACK_SEVERITY];
  const severity = packSeverity && packSeverity !== 'none' ? packSeverity : v.severity ?? 'error';
  const constructs = v.violatingConstructs && v.violatingConstructs.length > 0 ? v.violatingConstructs : [{ constructPath: '' }];
  return constructs.map((c) => {
    const constructPath = c.constructPath ?? '';
    const logicalId = locations.get(constructPath)?.logicalId;
    return {
      pack,
      ruleId: v.ruleName,
      message: v.description ?? '',
      severity,
      constructPath,
      stack: stackOf(constructPath, stacks),
      ...(logicalId ? { logicalId } : {}),
      ...(v.suggestedFix ? { suggestedFix: v.suggestedFix } : {}),
    };
  });
}

function stackOf(constructPath: string, stacks: string[]): string {
  let best = '';
  for (const s of stacks) {
    if ((constructPath === s || constructPath.startsWith(`${s}/`)) && s.length > best.length) best = s;
  }
  return best;
}

type ArtifactMetadata = Record<string, Array<{ readonly type: string; readonly data?: unknown }>>;

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly metadata?: ArtifactMetadata;
  readonly additionalMetadataFile?: string;
  readonly properties?: { readonly directoryName?: string; readonly templateFile?: string };
}

interface StackInfo {
  /** Construct path of the stack. */
  readonly path: string;
  /** Absolute path of its template. */
  readonly template: string;
  /** The construct metadata of the stack artifact (logical ids by construct path), from the manifest and its metadata file. */
  readonly metadata: () => ArtifactMetadata;
}

/** Where a resource sits in its template. */
interface ResourceLocation {
  readonly logicalId: string;
  /** Absolute path of the template. */
  readonly template: string;
  /** 1-based line of the resource's key in the template; 0 when not found. */
  readonly line: number;
}

/** Construct path → logical id, template and line, from each stack's construct metadata (`aws:cdk:logicalId`). */
function resourceLocations(stacks: StackInfo[]): Map<string, ResourceLocation> {
  const out = new Map<string, ResourceLocation>();
  for (const s of stacks) {
    let metadata: ArtifactMetadata;
    try {
      metadata = s.metadata();
    } catch {
      continue; // unreadable metadata locates nothing; findings keep their construct paths
    }
    const lines = fs.existsSync(s.template) ? fs.readFileSync(s.template, 'utf-8').split('\n') : [];
    // The resources are the keys one level inside "Resources" (CDK writes templates indented).
    const start = lines.findIndex((l) => /^\s*"Resources": \{\s*$/.test(l));
    const indent = start >= 0 ? lines[start].length - lines[start].trimStart().length : 0;
    const resourceKey = new RegExp(`^\\s{${indent + 1}}"([A-Za-z0-9]+)": \\{\\s*$`);
    const lineOf = new Map<string, number>();
    for (let i = start + 1; start >= 0 && i < lines.length && !/^\s*\}/.test(lines[i].slice(0, indent + 1)); i++) {
      const m = resourceKey.exec(lines[i]);
      if (m && !lineOf.has(m[1])) lineOf.set(m[1], i + 1);
    }
    for (const [key, entries] of Object.entries(metadata)) {
      const logicalId = entries.find((e) => e.type === 'aws:cdk:logicalId')?.data;
      if (typeof logicalId === 'string') out.set(key.replace(/^\//, ''), { logicalId, template: s.template, line: lineOf.get(logicalId) ?? 0 });
    }
  }
  return out;
}

/** Stacks from the assembly manifest, following nested stage assemblies; an unreadable manifest is an error. */
function listStacks(directory: string, root: string): StackInfo[] {
  const manifestFile = path.join(directory, 'manifest.json');
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `it cannot be read: ${(e as Error).message}`;
    throw new Error(`ComplianceReport.fromAssembly: '${path.resolve(directory)}' is not a cloud assembly: ${path.relative(root, manifestFile) || manifestFile} ${why}. Synthesize the app first (cdk synth).`);
  }
  const stacks: StackInfo[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const metadataFile = artifact.additionalMetadataFile ? path.resolve(directory, artifact.additionalMetadataFile) : undefined;
      stacks.push({
        path: artifact.displayName ?? id,
        template: path.resolve(directory, artifact.properties?.templateFile ?? `${id}.template.json`),
        metadata: () => ({ ...artifact.metadata, ...(metadataFile && fs.existsSync(metadataFile) ? JSON.parse(fs.readFileSync(metadataFile, 'utf-8')) : {}) }),
      });
    }
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...listStacks(path.join(directory, artifact.properties.directoryName), root));
    }
  }
  return stacks;
}

/** The validation report of the assembly; none when no plugin ran; an unreadable one is an error. */
function readValidationReport(directory: string): { pluginReports?: RawPluginReport[] } {
  const reportFile = path.join(directory, 'validation-report.json');
  if (!fs.existsSync(reportFile)) return {};
  try {
    return JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  } catch (e) {
    throw new Error(`ComplianceReport.fromAssembly: '${path.resolve(reportFile)}' cannot be read: ${(e as Error).message}`);
  }
}

/** For each pack, the stacks whose current template it checked (its record matches the template's hash). */
function packsThatRan(directory: string, stacks: StackInfo[]): Map<string, Set<string>> {
  const dir = path.join(directory, PACKS_RUN_DIRECTORY);
  const ran = new Map<string, Set<string>>();
  if (!fs.existsSync(dir)) return ran;
  const hashes = new Map<string, string>();
  const hashOf = (file: string) => {
    if (!hashes.has(file)) hashes.set(file, fs.existsSync(file) ? sha256Of(file) : '');
    return hashes.get(file)!;
  };
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    let record: PackRunRecord;
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf-8'));
    } catch (e) {
      throw new Error(`ComplianceReport.fromAssembly: '${path.resolve(dir, name)}' cannot be read: ${(e as Error).message}`);
    }
    const checked = new Map((record.templates ?? []).map((t) => [path.resolve(directory, t.path), t.sha256]));
    for (const s of stacks) {
      const sha = checked.get(s.template);
      if (sha !== undefined && sha === hashOf(s.template)) {
        if (!ran.has(record.pack)) ran.set(record.pack, new Set());
        ran.get(record.pack)!.add(s.path);
      }
    }
  }
  return ran;
}

function relative(f: { readonly stack: string; readonly constructPath: string }): string {
  const p = f.stack && f.constructPath.startsWith(`${f.stack}/`) ? f.constructPath.slice(f.stack.length + 1) : f.constructPath;
  return `\`${p}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
