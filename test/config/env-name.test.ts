import { envNameProblems } from '../../src/config/private/env-name';

describe('envNameProblems', () => {
  test.each(['PASS_RULES_PARAM', '_PRIVATE', 'A1'])('%s is a valid environment variable name', (name) => {
    expect(envNameProblems('envName', name)).toEqual([]);
  });

  test.each(['lower', '1ST', 'WITH-DASH', 'AWS_REGION', ''])('%s is refused, naming the prop and the value', (name) => {
    expect(envNameProblems('routes[0].envName', name)).toEqual([expect.stringMatching(new RegExp(`^routes\\[0\\]\\.envName: '${name}' is not allowed`))]);
  });
});
