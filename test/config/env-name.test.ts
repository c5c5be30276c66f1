import { validateEnvName } from '../../src/config/private/env-name';
import { Validation } from '../../src/private/validation';

function problems(prop: string, name: string) {
  const v = new Validation('Test', 'test');
  validateEnvName(v, prop, name);
  return v.problems;
}

describe('validateEnvName', () => {
  test.each(['PASS_RULES_PARAM', '_PRIVATE', 'A1'])('%s is a valid environment variable name', (name) => {
    expect(problems('envName', name)).toEqual([]);
  });

  test.each(['lower', '1ST', 'WITH-DASH', 'AWS_REGION', ''])('%s is refused, naming the prop and the value', (name) => {
    expect(problems('routes[0].envName', name)).toEqual([{
      prop: 'routes[0].envName',
      value: `'${name}' is not an environment variable name`,
      allowed: expect.stringMatching(/^A-Z 0-9 _/),
    }]);
  });
});
