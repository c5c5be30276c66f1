import * as fs from 'fs';
import { buildCatalogue, CATALOGUE_FILE, renderCatalogue } from '../../tools/rule-catalogue';

test('the rule catalogue matches the installed packs (regenerate: npx ts-node --swc tools/rule-catalogue.ts)', () => {
  const catalogue = buildCatalogue();
  expect(Object.keys(catalogue.nag)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless']);
  expect(catalogue.nag.AwsSolutions).toContain('AwsSolutions-S1');
  expect(catalogue.controlTower.s3_bucket_object_lock_enabled_check).toBe('CT.S3.PR.9');
  expect(catalogue.schema).toContain('F3002');
  expect(fs.readFileSync(CATALOGUE_FILE, 'utf-8')).toBe(renderCatalogue(catalogue));
}, 60_000);
