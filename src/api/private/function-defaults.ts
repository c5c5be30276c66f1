import { Token } from 'aws-cdk-lib';
import type { TracedFunctionOptions } from '../traced-function';

/** Lambda refuses a reservation that leaves fewer than 100 unreserved executions in the account. */
export const LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100;
/** The default account concurrency quota of a region. */
export const LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * Problems with function options, as `prop: value ... allowed` lines (empty when fine).
 *
 * @param prefix how the caller names the options, e.g. `routes[2].functionOptions`
 * @param accountConcurrency the account's concurrency quota
 */
export function validateTracedFunctionOptions(options: TracedFunctionOptions, prefix: string, accountConcurrency: number): string[] {
  const problems: string[] = [];
  const p = prefix ? `${prefix}.` : '';
  const mem = options.memorySize;
  if (mem !== undefined && !Token.isUnresolved(mem) && (!Number.isInteger(mem) || mem < 128 || mem > 10240)) {
    problems.push(`${p}memorySize: ${mem} MB is not allowed; use a whole number from 128 to 10240`);
  }
  const timeout = options.timeout;
  if (timeout !== undefined && !timeout.isUnresolved() && (timeout.toMilliseconds() < 1000 || timeout.toSeconds() > 900)) {
    problems.push(`${p}timeout: ${timeout.toHumanString()} is not allowed; use 1 second to 15 minutes (API Gateway stops waiting after 29 seconds)`);
  }
  const reserved = options.reservedConcurrentExecutions;
  const maxReserved = accountConcurrency - LAMBDA_MIN_UNRESERVED_CONCURRENCY;
  if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 0 || reserved > maxReserved)) {
    problems.push(`${p}reservedConcurrentExecutions: ${reserved} is not allowed; with an account concurrency of ${accountConcurrency} at most ${maxReserved} can be reserved (Lambda keeps ${LAMBDA_MIN_UNRESERVED_CONCURRENCY} unreserved); raise the quota and set accountConcurrency, or reserve less`);
  }
  return problems;
}
