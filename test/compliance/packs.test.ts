import { Stack } from 'aws-cdk-lib';
import { loadPeer, NAG_PACK_MODULES, nagPack } from '../../src/compliance/private/packs';

describe('packs', () => {
  test('each cdk-nag pack module exports its class', () => {
    expect(Object.keys(NAG_PACK_MODULES)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless']);
    for (const { module, className } of Object.values(NAG_PACK_MODULES)) {
      expect(typeof loadPeer<Record<string, unknown>>(module, 'test')[className]).toBe('function');
    }
  });

  test('loadPeer names the missing package and how to install it', () => {
    expect(() => loadPeer('@rampart-missing/pkg/lib/x', 'the X pack')).toThrow(
      /the X pack needs the package '@rampart-missing\/pkg', which is not installed\. Install it next to cdk-rampart: npm install @rampart-missing\/pkg/);
    expect(() => loadPeer('rampart-missing-pkg', 'the Y pack')).toThrow(/needs the package 'rampart-missing-pkg'/);
  });

  test('nagPack makes the named pack and refuses other names', () => {
    const stack = new Stack();
    expect(nagPack('Serverless', stack, { verbose: false }).name).toBe('Serverless');
    expect(() => nagPack('Nope', stack, { verbose: false })).toThrow(/'Nope' is not a cdk-nag pack; known: AwsSolutions, /);
  });
});
