import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { bounded, sdkClientConfig, tracer } from '@cdk-rampart/lambda-kit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ApprovalQueue } from './passes';
import { PASS_ENV } from './settings';
import type { EventSink } from './stats';

let sqs: SQSClient | undefined;
let kinesis: KinesisClient | undefined;

/** The approval queue (one traced client per container; `AWS_ENDPOINT_URL_SQS` points it at a local stand-in). */
export function approvalQueue(): ApprovalQueue {
  const queueUrl = process.env[PASS_ENV.QUEUE_URL];
  if (!queueUrl) throw new Error(`${PASS_ENV.QUEUE_URL} is not set`);
  sqs ??= tracer.captureAWSv3Client(bounded(new SQSClient(sdkClientConfig())));
  return { client: sqs, queueUrl };
}

/** The archive's Kinesis stream, or undefined when none is configured (`PASS_EVENTS_STREAM` unset). */
export function eventSink(): EventSink | undefined {
  const streamName = process.env[PASS_ENV.EVENTS_STREAM];
  if (!streamName) return undefined;
  if (!kinesis) {
    const endpoint = process.env[PASS_ENV.KINESIS_ENDPOINT];
    // kinesalite (local runs, tests) needs HTTP/1.1; in Lambda the client's own (HTTP/2) handler applies.
    // Both with the handlers' SDK limits.
    const config = sdkClientConfig(endpoint);
    const local = endpoint ? { requestHandler: new NodeHttpHandler(config.requestHandler) } : {};
    kinesis = tracer.captureAWSv3Client(bounded(new KinesisClient({ ...config, ...local })));
  }
  return { client: kinesis, streamName };
}
