import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** How a custom resource handler answers CloudFormation when the pre-signed URL does not take the answer. */
export interface RespondRetry {
  /** Attempts in all (at least 1). */
  readonly attempts: number;
  /** The wait before attempt n + 1 is n times this. */
  readonly baseDelayMs: number;
}

/**
 * Answers CloudFormation on the pre-signed S3 URL of a custom resource request (the body of the
 * cfn-response module, without its dependency on the Lambda context), retrying with a linear back-off.
 * Shared by the library's build-time-bundled custom resource handlers.
 */
export async function respond(event: CloudFormationCustomResourceEvent, status: 'SUCCESS' | 'FAILED',
  physicalResourceId: string, data?: Record<string, string>, reason?: string,
  retry: RespondRetry = { attempts: 3, baseDelayMs: 500 }): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: (reason ?? status).slice(0, 3000),
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: data,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(event.ResponseURL, {
        method: 'PUT',
        body,
        headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
      });
      if (!res.ok) throw new Error(`CloudFormation response URL answered ${res.status}`);
      return;
    } catch (e) {
      if (attempt >= retry.attempts) {
        console.log(JSON.stringify({ level: 'ERROR', message: 'could not answer CloudFormation', error: String(e) }));
        throw e;
      }
      await new Promise((r) => setTimeout(r, retry.baseDelayMs * attempt));
    }
  }
}
