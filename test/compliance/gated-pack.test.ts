import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyViolation } from 'aws-cdk-lib';
import { GatedPack, PACK_SEVERITY, PACKS_RUN_DIRECTORY, sha256Of } from '../../src/compliance/private/gated-pack';

function violation(severity?: string): PolicyViolation {
  return { ruleName: 'r', description: 'd', severity, violatingResources: [], ruleMetadata: { a: 'b' } } as PolicyViolation;
}

function fakePack(violations: PolicyViolation[], success = violations.length === 0): IPolicyValidationPlugin {
  return { name: 'My Pack', version: '1.0.0', ruleIds: ['r'], validate: () => ({ success, violations }) };
}

describe('GatedPack', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gated-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every finding becomes an error, keeping the pack severity; error and fatal stay', () => {
    const gated = new GatedPack(fakePack([violation('warning'), violation(undefined), violation('ERROR'), violation('fatal')]));
    expect(gated.name).toBe('My Pack');
    expect(gated.version).toBe('1.0.0');
    expect(gated.ruleIds).toEqual(['r']);
    const report = gated.validate({ templatePaths: [] } as unknown as IPolicyValidationContext);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.severity)).toEqual(['error', 'error', 'error', 'fatal']);
    expect(report.violations[0].ruleMetadata).toEqual({ a: 'b', [PACK_SEVERITY]: 'warning' });
    expect(report.violations[1].ruleMetadata).toEqual({ a: 'b', [PACK_SEVERITY]: 'none' });
    expect(report.violations[2].ruleMetadata).toEqual({ a: 'b' });
  });

  test('records the templates checked, once per content', () => {
    const t1 = path.join(dir, 'B.template.json');
    const t2 = path.join(dir, 'nested', 'A.template.json');
    fs.mkdirSync(path.dirname(t2));
    fs.writeFileSync(t1, '{}');
    fs.writeFileSync(t2, '{"a":1}');
    const gated = new GatedPack(fakePack([]));
    const context = { templatePaths: [t1, t2] } as unknown as IPolicyValidationContext;
    expect(gated.validate(context).success).toBe(true);
    gated.validate(context);
    const files = fs.readdirSync(path.join(dir, PACKS_RUN_DIRECTORY));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^My-Pack\.[0-9a-f]{16}\.json$/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, PACKS_RUN_DIRECTORY, files[0]), 'utf-8'))).toEqual({
      pack: 'My Pack',
      version: '1.0.0',
      templates: [{ path: 'B.template.json', sha256: sha256Of(t1) }, { path: 'nested/A.template.json', sha256: sha256Of(t2) }],
    });
  });

  test('sha256Of hashes the file bytes', () => {
    const f = path.join(dir, 'f');
    fs.writeFileSync(f, 'abc');
    expect(sha256Of(f)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
