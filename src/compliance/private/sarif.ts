import * as crypto from 'crypto';
import * as path from 'path';

/** SARIF 2.1.0: the parts of the format this report writes. */
export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where a finding sits: its construct, and the resource in the synthesized template. */
export interface SarifLocatedFinding {
  readonly pack: string;
  readonly ruleId: string;
  readonly message: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly stack: string;
  readonly suggestedFix?: string;
  readonly logicalId?: string;
  /** Absolute path of the template holding the resource. */
  readonly templateFile?: string;
  /** 1-based line of the resource in its template. */
  readonly templateLine?: number;
  /** Set on an acknowledged finding. */
  readonly reason?: string;
}

/** The packs' documentation, for the tool of each run. */
const PACK_URIS: Record<string, string> = {
  'AwsSolutions': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#awssolutions',
  'NIST.800.53.R5': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#nist-800-53-rev-5',
  'HIPAA.Security': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#hipaa-security',
  'PCI.DSS.321': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#pci-dss-321',
  'Serverless': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#serverless',
  'cdk-validator-cfnguard': 'https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html',
};

/** SARIF levels: a cdk-nag `info` is a note; everything that fails the gate is an error or a warning. */
function level(severity: string): string {
  switch (severity.toLowerCase()) {
    case 'warning': return 'warning';
    case 'info': return 'note';
    default: return 'error';
  }
}

/** A URI relative to `root`, with forward slashes (SARIF artifact locations are URI references). */
function relativeUri(file: string, root: string): string {
  return path.relative(root, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** A stable identity of a result across runs (pack, rule, construct), so viewers track it over time. */
function fingerprint(f: SarifLocatedFinding): string {
  return crypto.createHash('sha256').update(JSON.stringify([f.pack, f.ruleId, f.constructPath])).digest('hex').slice(0, 32);
}

/**
 * A SARIF 2.1.0 log of `findings`: one run per pack (its rules, and a result per finding, where an
 * acknowledged finding carries an accepted suppression with its reason as justification), each
 * result located by its template (with the resource's line) and by two logical locations: the
 * construct path and the template's logical id.
 */
export function sarifLog(findings: readonly SarifLocatedFinding[], artifactRoot: string): Record<string, unknown> {
  const packs = [...new Set(findings.map((f) => f.pack))];
  const runs = packs.map((pack) => {
    const ofPack = findings.filter((f) => f.pack === pack);
    const ruleIds = [...new Set(ofPack.map((f) => f.ruleId))];
    const rules = ruleIds.map((id) => {
      const first = ofPack.find((f) => f.ruleId === id)!;
      return {
        id,
        shortDescription: { text: first.message || id },
        defaultConfiguration: { level: level(first.severity) },
        ...(first.suggestedFix ? { help: { text: first.suggestedFix } } : {}),
      };
    });
    const results = ofPack.map((f) => {
      const logicalLocations = [
        ...(f.constructPath ? [{ fullyQualifiedName: f.constructPath, kind: 'resource' }] : []),
        ...(f.logicalId ? [{ name: f.logicalId, fullyQualifiedName: `${f.stack}::${f.logicalId}`, kind: 'object' }] : []),
      ];
      const region = f.templateLine ? { region: { startLine: f.templateLine } } : {};
      const artifactLocation = f.templateFile ? { uri: relativeUri(f.templateFile, artifactRoot) } : undefined;
      const physical = artifactLocation ? { physicalLocation: { artifactLocation, ...region } } : {};
      const located = f.templateFile || logicalLocations.length > 0;
      return {
        ruleId: f.ruleId,
        ruleIndex: ruleIds.indexOf(f.ruleId),
        level: level(f.severity),
        message: { text: `${f.message || f.ruleId}${f.constructPath ? ` (${f.constructPath})` : ''}` },
        ...(located ? { locations: [{ ...physical, ...(logicalLocations.length > 0 ? { logicalLocations } : {}) }] } : {}),
        partialFingerprints: { 'rampart/v1': fingerprint(f) },
        ...(f.reason !== undefined ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.reason }] } : {}),
        properties: { pack: f.pack, stack: f.stack, constructPath: f.constructPath, ...(f.logicalId ? { logicalId: f.logicalId } : {}) },
      };
    });
    return {
      tool: { driver: { name: pack, ...(PACK_URIS[pack] ? { informationUri: PACK_URIS[pack] } : {}), rules } },
      columnKind: 'unicodeCodePoints',
      results,
    };
  });
  return { $schema: SARIF_SCHEMA, version: SARIF_VERSION, runs };
}
