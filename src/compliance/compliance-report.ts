import * as fs from 'fs';
import * as path from 'path';

/** One rule that a resource breaks. */
export interface ComplianceFinding {
  /** The pack (validation plugin) that reported it, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** The rule id, e.g. `AwsSolutions-S1`. */
  readonly ruleId: string;
  /** What the rule says is wrong. */
  readonly message: string;
  /** `error`, `warning`, `info` or `fatal`, as the plugin reported it. */
  readonly severity: string;
  /** The construct path of the resource, e.g. `MyStack/Site/Bucket/Resource`. */
  readonly constructPath: string;
  /** The construct path of the stack holding the resource; empty when it is not inside a stack. */
  readonly stack: string;
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

/** Per-stack counts in a `ComplianceReport`. */
export interface ComplianceStackSummary {
  /** The construct path of the stack. */
  readonly stack: string;
  /** Unacknowledged findings. */
  readonly findings: number;
  /** Acknowledged findings. */
  readonly acknowledgements: number;
}

interface RawViolatingConstruct {
  readonly constructPath?: string;
}
interface RawViolation {
  readonly ruleName: string;
  readonly description?: string;
  readonly suggestedFix?: string;
  readonly severity?: string;
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
   * @param directory the cloud assembly directory (`cdk.out`)
   */
  public static fromAssembly(directory: string): ComplianceReport {
    const stacks = listStacks(directory).sort();
    const reportFile = path.join(directory, 'validation-report.json');
    if (!fs.existsSync(reportFile)) {
      return new ComplianceReport(stacks, [], [], []);
    }
    const raw = JSON.parse(fs.readFileSync(reportFile, 'utf-8')) as { pluginReports?: RawPluginReport[] };
    const findings: ComplianceFinding[] = [];
    const acknowledgements: ComplianceAcknowledgement[] = [];
    const packs: string[] = [];
    for (const plugin of raw.pluginReports ?? []) {
      packs.push(plugin.pluginName);
      const failure = plugin.conclusion === 'failure' && (plugin.violations ?? []).length === 0 ? plugin.metadata?.error : undefined;
      if (failure) {
        findings.push({ pack: plugin.pluginName, ruleId: 'plugin-failure', message: failure, severity: 'fatal', constructPath: '', stack: '' });
      }
      for (const v of plugin.violations ?? []) {
        findings.push(...expand(plugin.pluginName, v, stacks));
      }
      for (const v of plugin.suppressedViolations ?? []) {
        acknowledgements.push(...expand(plugin.pluginName, v, stacks).map((f) => ({ ...f, reason: v.reason ?? '' })));
      }
    }
    return new ComplianceReport(stacks, packs, findings, acknowledgements);
  }

  /** Construct paths of every stack in the assembly, nested stages included, sorted. */
  public readonly stacks: string[];
  /** Names of the packs that reported anything. */
  public readonly packs: string[];
  /** Unacknowledged findings. */
  public readonly findings: ComplianceFinding[];
  /** Acknowledged findings with their reasons. */
  public readonly acknowledgements: ComplianceAcknowledgement[];

  private constructor(stacks: string[], packs: string[], findings: ComplianceFinding[], acknowledgements: ComplianceAcknowledgement[]) {
    this.stacks = stacks;
    this.packs = packs;
    this.findings = findings;
    this.acknowledgements = acknowledgements;
  }

  /** True when nothing is left unacknowledged. */
  public get compliant(): boolean {
    return this.findings.length === 0;
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
      this.findings.filter((f) => inside(f.stack)),
      this.acknowledgements.filter((a) => inside(a.stack)),
    );
  }

  /** Counts per stack, sorted by stack path. */
  public summary(): ComplianceStackSummary[] {
    return this.stacks.map((stack) => ({
      stack,
      findings: this.findings.filter((f) => f.stack === stack).length,
      acknowledgements: this.acknowledgements.filter((a) => a.stack === stack).length,
    }));
  }

  /** One line per unacknowledged finding: pack, rule, path and message. */
  public describeFindings(): string {
    return this.findings.map((f) => `[${f.pack}] ${f.ruleId} at ${f.constructPath || '<app>'}: ${f.message}`).join('\n');
  }

  /**
   * Markdown for a security reviewer: per stack and per pack, the findings and every acknowledgement with its reason.
   *
   * @param title the heading of the section
   */
  public toMarkdown(title: string): string {
    const out: string[] = [`## ${title}`, ''];
    const status = this.compliant ? 'compliant' : `**${this.findings.length} unacknowledged finding(s)**`;
    out.push(`Packs: ${this.packs.length > 0 ? this.packs.join(', ') : 'none reported'}. Result: ${status}.`, '');
    const orphans = this.findings.filter((f) => !this.stacks.includes(f.stack));
    const stacks = orphans.length > 0 ? [...this.stacks, ''] : this.stacks;
    for (const stack of stacks) {
      const findings = this.findings.filter((f) => f.stack === stack);
      const acks = this.acknowledgements.filter((a) => a.stack === stack);
      out.push(`### ${stack === '' ? 'Outside any stack' : `Stack \`${stack}\``}`, '');
      out.push(`${findings.length} unacknowledged finding(s), ${acks.length} acknowledgement(s).`, '');
      for (const pack of unique([...findings, ...acks].map((f) => f.pack))) {
        out.push(`#### ${pack}`, '');
        const packFindings = findings.filter((f) => f.pack === pack);
        if (packFindings.length > 0) {
          out.push('| Finding | Resource | Message |', '|---|---|---|');
          for (const f of packFindings) out.push(`| ${cell(f.ruleId)} | ${cell(relative(f))} | ${cell(f.message)} |`);
          out.push('');
        }
        const packAcks = acks.filter((a) => a.pack === pack);
        if (packAcks.length > 0) {
          out.push('| Acknowledged | Resource | Reason |', '|---|---|---|');
          for (const a of packAcks) out.push(`| ${cell(a.ruleId)} | ${cell(relative(a))} | ${cell(a.reason)} |`);
          out.push('');
        }
      }
    }
    return out.join('\n');
  }
}

function expand(pack: string, v: RawViolation, stacks: string[]): ComplianceFinding[] {
  const constructs = v.violatingConstructs && v.violatingConstructs.length > 0 ? v.violatingConstructs : [{ constructPath: '' }];
  return constructs.map((c) => {
    const constructPath = c.constructPath ?? '';
    return {
      pack,
      ruleId: v.ruleName,
      message: v.description ?? '',
      severity: v.severity ?? 'error',
      constructPath,
      stack: stackOf(constructPath, stacks),
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

/** Stack construct paths from the assembly manifest, following nested stage assemblies. */
function listStacks(directory: string): string[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return [];
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8')) as {
    artifacts?: Record<string, { type: string; displayName?: string; properties?: { directoryName?: string } }>;
  };
  const stacks: string[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') stacks.push(artifact.displayName ?? id);
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...listStacks(path.join(directory, artifact.properties.directoryName)));
    }
  }
  return stacks;
}

function relative(f: ComplianceFinding): string {
  const p = f.stack && f.constructPath.startsWith(`${f.stack}/`) ? f.constructPath.slice(f.stack.length + 1) : f.constructPath;
  return `\`${p}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
