import { Duration } from 'aws-cdk-lib';
import { known, Validation } from '../../private/validation';
import type { TracedFunctionOptions } from '../traced-function';

/** Lambda refuses a reservation that leaves fewer than 100 unreserved executions in the account. */
export const LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100;
/** The default account concurrency quota of a region. */
export const LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * Records the problems of function options (prop names relative to the options).
 *
 * @param accountConcurrency the account's concurrency quota
 */
export function validateTracedFunctionOptions(v: Validation, options: TracedFunctionOptions, accountConcurrency: number): void {
  if (options.memorySize !== undefined) v.integer('memorySize', options.memorySize, 128, 10240, 'MB');
  v.duration('timeout', options.timeout, { min: Duration.seconds(1), max: Duration.minutes(15), allowed: '1 second to 15 minutes' });
  const reserved = options.reservedConcurrentExecutions;
  const maxReserved = accountConcurrency - LAMBDA_MIN_UNRESERVED_CONCURRENCY;
  if (reserved !== undefined && known(reserved) && (!Number.isInteger(reserved) || reserved < 0 || reserved > maxReserved)) {
    v.fail('reservedConcurrentExecutions', reserved,
      `at most ${maxReserved} with an account concurrency of ${accountConcurrency} (Lambda keeps ${LAMBDA_MIN_UNRESERVED_CONCURRENCY} unreserved); raise the quota and set accountConcurrency, or reserve less`);
  }
}
