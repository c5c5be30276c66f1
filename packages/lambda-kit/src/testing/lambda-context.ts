import { randomUUID } from 'crypto';
import type { Context } from 'aws-lambda';

/** What a local Lambda context says about the function running. */
export interface LambdaContextOptions {
  /** The function's name, e.g. `local-decrement`. */
  readonly functionName: string;
  /** @default a random UUID */
  readonly requestId?: string;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** Time the invocation may take; `getRemainingTimeInMillis` counts down from it. @default 60 s */
  readonly timeoutMs?: number;
}

/** A Lambda context as the Node.js runtime passes it, for handlers invoked in-process. */
export function lambdaContext(options: LambdaContextOptions): Context {
  const { functionName } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  return {
    awsRequestId: options.requestId ?? randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 1024),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
