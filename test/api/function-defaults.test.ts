import { Duration, Token } from 'aws-cdk-lib';
import {
  LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
  LAMBDA_MIN_UNRESERVED_CONCURRENCY,
  validateTracedFunctionOptions,
} from '../../src/api/private/function-defaults';
import { TracedFunctionOptions } from '../../src/api/traced-function';
import { Validation } from '../../src/private/validation';

function problems(options: TracedFunctionOptions, accountConcurrency: number, prefix = '') {
  const v = new Validation('Test', 'test');
  v.within(prefix, (w) => validateTracedFunctionOptions(w, options, accountConcurrency));
  return v.problems.map((p) => `${p.prop}: ${p.value}; allowed: ${p.allowed}`);
}

describe('validateTracedFunctionOptions', () => {
  test('accepts the edges of each range, and no options at all', () => {
    expect(problems({}, LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY)).toEqual([]);
    expect(problems({ memorySize: 128, timeout: Duration.seconds(1), reservedConcurrentExecutions: 0 }, 1000)).toEqual([]);
    const options = { memorySize: 10240, timeout: Duration.minutes(15), reservedConcurrentExecutions: 1000 - LAMBDA_MIN_UNRESERVED_CONCURRENCY };
    expect(problems(options, 1000)).toEqual([]);
  });

  test('names each bad option with the caller\'s prefix, value and what is allowed', () => {
    expect(problems({ memorySize: 100, timeout: Duration.millis(500), reservedConcurrentExecutions: 901 }, 1000, 'routes[2].functionOptions.')).toEqual([
      expect.stringMatching(/^routes\[2\]\.functionOptions\.memorySize: 100; allowed: an integer from 128 to 10240 MB$/),
      expect.stringMatching(/^routes\[2\]\.functionOptions\.timeout: 500 millis; allowed: 1 second to 15 minutes/),
      expect.stringMatching(/^routes\[2\]\.functionOptions\.reservedConcurrentExecutions: 901; allowed: at most 900 with an account concurrency of 1000/),
    ]);
    expect(problems({ memorySize: 512.5, timeout: Duration.minutes(16) }, 1000)).toHaveLength(2);
  });

  test('a raised account quota allows more reserved concurrency', () => {
    expect(problems({ reservedConcurrentExecutions: 4000 }, 5000)).toEqual([]);
  });

  test('skips unresolved tokens', () => {
    const token = Token.asNumber({ Ref: 'Memory' });
    expect(problems({ memorySize: token, reservedConcurrentExecutions: token }, 1000)).toEqual([]);
  });
});
