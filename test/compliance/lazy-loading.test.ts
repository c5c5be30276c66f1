/**
 * Optional weight stays optional: requiring the library loads neither the cfn-guard validator nor
 * cdk-nag; enabling packs loads only what they need. Checked in a fresh Node process through its
 * own require.cache (jest's module registry is not Node's).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPeer } from '../../src/compliance/private/packs';
import { inFreshProcess } from '../support/fresh-process';

const ROOT = path.resolve(__dirname, '..', '..');

const LOADED = `
const loaded = () => Object.keys(require.cache);
const has = (part) => loaded().some((k) => k.includes(part));
const state = () => ({
  validator: has('/@cdklabs/cdk-validator-cfnguard/'),
  nag: has('/cdk-nag/'),
  nagPacks: ['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'pci-dss-321', 'serverless'].filter((p) => has('/cdk-nag/lib/packs/' + p)),
});
`;

describe('loading', () => {
  test.each([
    ['src/index.ts', path.join(ROOT, 'src', 'index.ts')],
    ['lib/index.js', path.join(ROOT, 'lib', 'index.js')],
  ])('requiring %s loads neither the cfn-guard validator nor cdk-nag', (_name, entry) => {
    if (!fs.existsSync(entry)) return; // lib/ exists only after a build
    const result = inFreshProcess(`${LOADED}
const lib = require(${JSON.stringify(entry)});
const before = state();
const { App } = require('aws-cdk-lib');
const app = new App();
lib.Compliance.plugins(app, { packs: [lib.CompliancePack.SERVERLESS] });
const serverless = state();
lib.Compliance.plugins(app, { packs: [lib.CompliancePack.CONTROL_TOWER] });
console.log(JSON.stringify({ before, serverless, controlTower: state() }));`);
    expect(result.before).toEqual({ validator: false, nag: false, nagPacks: [] });
    expect(result.serverless).toEqual({ validator: false, nag: true, nagPacks: ['serverless'] });
    expect(result.controlTower.validator).toBe(true);
  }, 120_000);

  test('a missing peer package is named in the error, with the install command', () => {
    expect(() => loadPeer('cdk-rampart-missing-peer/lib/x', 'the Example pack'))
      .toThrow(/the Example pack needs the package 'cdk-rampart-missing-peer', which is not installed\. Install it next to cdk-rampart: npm install cdk-rampart-missing-peer/);
    expect(() => loadPeer('@cdklabs/cdk-rampart-missing/x', 'the Example pack')).toThrow(/needs the package '@cdklabs\/cdk-rampart-missing'/);
  });

  test('the install command carries the peer range cdk-rampart declares', () => {
    jest.isolateModules(() => {
      jest.doMock('@cdklabs/cdk-validator-cfnguard', () => {
        const e = new Error("Cannot find module '@cdklabs/cdk-validator-cfnguard'") as NodeJS.ErrnoException;
        e.code = 'MODULE_NOT_FOUND';
        throw e;
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ControlTowerChecks } = require('../../src/compliance/private/control-tower-checks');
      expect(() => new ControlTowerChecks()).toThrow(/the Control Tower pack needs the package '@cdklabs\/cdk-validator-cfnguard', which is not installed\. Install it next to cdk-rampart: npm install '@cdklabs\/cdk-validator-cfnguard@\^0\.0\.62'/);
    });
  });
});
