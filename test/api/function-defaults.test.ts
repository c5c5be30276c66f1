import { Duration, Token } from 'aws-cdk-lib';
import {
  LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
  LAMBDA_MIN_UNRESERVED_CONCURRENCY,
  validateTracedFunctionOptions,
} from '../../src/api/private/function-defaults';

describe('validateTracedFunctionOptions', () => {
  test('accepts the edges of each range, and no options at all', () => {
    expect(validateTracedFunctionOptions({}, '', LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY)).toEqual([]);
    expect(validateTracedFunctionOptions({ memorySize: 128, timeout: Duration.seconds(1), reservedConcurrentExecutions: 0 }, '', 1000)).toEqual([]);
    expect(validateTracedFunctionOptions({ memorySize: 10240, timeout: Duration.minutes(15), reservedConcurrentExecutions: 1000 - LAMBDA_MIN_UNRESERVED_CONCURRENCY }, '', 1000)).toEqual([]);
  });

  test('names each bad option with the caller\'s prefix, value and what is allowed', () => {
    const problems = validateTracedFunctionOptions({ memorySize: 100, timeout: Duration.millis(500), reservedConcurrentExecutions: 901 }, 'routes[2].functionOptions', 1000);
    expect(problems).toEqual([
      expect.stringMatching(/^routes\[2\]\.functionOptions\.memorySize: 100 MB is not allowed; use a whole number from 128 to 10240$/),
      expect.stringMatching(/^routes\[2\]\.functionOptions\.timeout: .* is not allowed; use 1 second to 15 minutes/),
      expect.stringMatching(/^routes\[2\]\.functionOptions\.reservedConcurrentExecutions: 901 is not allowed; with an account concurrency of 1000 at most 900/),
    ]);
    expect(validateTracedFunctionOptions({ memorySize: 512.5, timeout: Duration.minutes(16) }, '', 1000)).toHaveLength(2);
  });

  test('a raised account quota allows more reserved concurrency', () => {
    expect(validateTracedFunctionOptions({ reservedConcurrentExecutions: 4000 }, '', 5000)).toEqual([]);
  });

  test('skips unresolved tokens', () => {
    const token = Token.asNumber({ Ref: 'Memory' });
    expect(validateTracedFunctionOptions({ memorySize: token, reservedConcurrentExecutions: token }, '', 1000)).toEqual([]);
  });
});
