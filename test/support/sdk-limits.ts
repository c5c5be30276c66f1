import { SDK_LIMITS_ENV } from '../../examples/shared/handler-kit/aws';

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
  const lifted: Record<string, string> = { [SDK_LIMITS_ENV.requestBudgetMs]: '120000', [SDK_LIMITS_ENV.requestTimeoutMs]: '60000', [SDK_LIMITS_ENV.connectionTimeoutMs]: '60000' };
  const previous = Object.fromEntries(Object.keys(lifted).map((k) => [k, process.env[k]]));
  Object.assign(process.env, lifted);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
