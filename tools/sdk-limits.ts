/**
 * Generous limits for tests whose subject is not the limits (see `deployedSdkLimits`), by the names
 * of handler-kit/aws.ts's SDK_LIMITS_ENV (spelled out: the jest setup loads this file, and it must
 * not load the AWS SDK into every test file; a fault test checks the names).
 */
export const LIFTED: Record<string, string> = {
  RAMPART_REQUEST_BUDGET_MS: '120000',
  RAMPART_SDK_REQUEST_TIMEOUT_MS: '60000',
  RAMPART_SDK_CONNECTION_TIMEOUT_MS: '60000',
};

/**
 * Runs `fn` with the handlers' per-request SDK budget and per-attempt timeout lifted. For tests that
 * run hundreds of invocations at once in one process against one DynamoDB Local: there every
 * request waits for all the others (CPU, sockets, the engine), which no Lambda invocation does (each
 * runs alone in its environment), so the budget that guards against a dependency that is down would
 * turn queueing into 503s. What such a test proves (atomicity, nothing lost) does not depend on it.
 */
export async function withLiftedSdkLimits<T>(fn: () => Promise<T>): Promise<T> {
  const restore = liftSdkLimits();
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** Lifts the limits (see `withLiftedSdkLimits`) until the answered function is called. */
export function liftSdkLimits(): () => void {
  const previous = Object.fromEntries(Object.keys(LIFTED).map((k) => [k, process.env[k]]));
  Object.assign(process.env, LIFTED);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/**
 * Puts the deployed limits (`SDK_LIMITS`) back in force until the answered function is called: for
 * the tests whose subject they are (the fault tests). Every other test file runs with them lifted
 * (test/support/setup.ts), because the suite runs many files at once on a small machine, where a
 * cold first call or a burst of concurrent invocations in one process can outlast the budget
 * without any fault at all.
 */
export function deployedSdkLimits(): () => void {
  const previous = Object.fromEntries(Object.keys(LIFTED).map((k) => [k, process.env[k]]));
  for (const k of Object.keys(LIFTED)) delete process.env[k];
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
