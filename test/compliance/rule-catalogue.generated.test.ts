import { CONTROL_TOWER_RULES, NAG_RULES, SCHEMA_RULES } from '../../src/compliance/private/rule-catalogue.generated';

// Staleness against the installed packs is checked in rule-catalogue.test.ts; this checks the shape.
describe('rule catalogue', () => {
  test('each cdk-nag pack holds its own well-formed ids, each once', () => {
    expect(Object.keys(NAG_RULES)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless']);
    for (const [pack, ids] of Object.entries(NAG_RULES)) {
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id.startsWith(`${pack}-`)).toBe(true);
    }
    expect(NAG_RULES.AwsSolutions).toContain('AwsSolutions-S1');
  });

  test('Control Tower rule names map to control ids', () => {
    expect(Object.keys(CONTROL_TOWER_RULES).length).toBeGreaterThan(0);
    for (const [name, control] of Object.entries(CONTROL_TOWER_RULES)) {
      expect(name).toMatch(/^[a-z0-9_]+$/);
      expect(control).toMatch(/^CT\.[A-Z0-9-]+\.PR\.\d+$/);
    }
  });

  test('schema rule ids are well-formed, each once', () => {
    expect(new Set(SCHEMA_RULES).size).toBe(SCHEMA_RULES.length);
    for (const id of SCHEMA_RULES) expect(id).toMatch(/^[EFIW]\d{4}$/);
    expect(SCHEMA_RULES).toContain('F3002');
  });
});
