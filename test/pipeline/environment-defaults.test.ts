import { ENVIRONMENTS, PRODUCTION } from '../../src/pipeline/private/environment-defaults';

describe('environment defaults', () => {
  test('DEV, UAT and PROD with their branches; only production needs an approval', () => {
    expect(ENVIRONMENTS).toEqual({
      DEV: { branch: 'dev', approval: false },
      UAT: { branch: 'uat', approval: false },
      PROD: { branch: 'main', approval: true },
    });
    expect(PRODUCTION).toBe('PROD');
    expect(Object.entries(ENVIRONMENTS).filter(([, e]) => e.approval).map(([name]) => name)).toEqual([PRODUCTION]);
  });
});
