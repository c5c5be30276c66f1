import { createHash, randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** A message in a local queue. */
interface LocalMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  /** FIFO queues: the message group, delivered in order, one receive in flight at a time. */
  readonly groupId?: string;
  receiveCount: number;
  receiptHandle?: string;
  visibleAt: number;
}

/** A local SQS queue with a redrive policy, as the stack declares it. */
export interface LocalQueueOptions {
  /** After this many receives a message moves to `deadLetterQueue`. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default - none: messages are received forever */
  readonly deadLetterQueue?: string;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * A FIFO queue, as SQS keeps one: SendMessage needs a MessageGroupId and a MessageDeduplicationId
   * (or `contentBasedDeduplication`); a message whose deduplication id was sent in the last five
   * minutes is accepted and not enqueued again; a group's messages are received in order, and none
   * while one of them is in flight.
   *
   * @default false
   */
  readonly fifo?: boolean;
  /** FIFO only: the deduplication id is the SHA-256 of the body when none is given. @default false */
  readonly contentBasedDeduplication?: boolean;
}

/** How long SQS remembers a FIFO queue's deduplication ids. */
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;

interface Queue extends LocalQueueOptions {
  readonly name: string;
  readonly messages: LocalMessage[];
  /** FIFO: deduplication id → the message id it was first sent as, and until when it is remembered. */
  readonly sent: Map<string, { messageId: string; until: number }>;
}

/** An SQS-shaped batch handler (the rules worker). */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/**
 * A local stand-in for the few AWS APIs example handlers call that have no local engine here:
 * SSM `GetParameter` and `PutParameter` (ConfigParameter), Secrets Manager `GetSecretValue` (ConfigSecret) and SQS
 * `SendMessage` / `ReceiveMessage` / `DeleteMessage` (standard queues, visibility timeout,
 * redrive to a dead-letter queue). It speaks the services' JSON wire protocols on 127.0.0.1, so
 * the handlers run their real SDK calls unchanged: `env()` gives the `AWS_ENDPOINT_URL_<SERVICE>`
 * variables that point the SDK at it. Everything lives in memory.
 */
export class LocalAws {
  /** Start one on a free port of 127.0.0.1. */
  public static async start(): Promise<LocalAws> {
    const aws = new LocalAws();
    await new Promise<void>((resolve, reject) => {
      aws.server.once('error', reject);
      aws.server.listen(0, '127.0.0.1', () => resolve());
    });
    return aws;
  }

  /** SSM parameter values by name. */
  public readonly parameters = new Map<string, string>();
  /** Secret values by name. */
  public readonly secrets = new Map<string, string>();
  /** While true, SendMessage is refused (to try what a handler does when the queue is unavailable). */
  public refuseSends = false;
  private readonly queues = new Map<string, Queue>();
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        let status = 200;
        let answer: unknown;
        try {
          answer = this.dispatch(target, chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
        } catch (error) {
          status = 400;
          answer = { __type: (error as { code?: string }).code ?? 'ValidationException', message: (error as Error).message };
        }
        const body = JSON.stringify(answer ?? {});
        const contentType = target.startsWith('AmazonSQS.') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
        res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
  }

  /** `http://127.0.0.1:<port>`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The environment that points the AWS SDK's SSM, Secrets Manager and SQS clients here. */
  public env(): Record<string, string> {
    return { AWS_ENDPOINT_URL_SSM: this.endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: this.endpoint, AWS_ENDPOINT_URL_SQS: this.endpoint };
  }

  /** Create a queue; answers its URL. */
  public createQueue(name: string, options: LocalQueueOptions = {}): string {
    this.queues.set(name, { name, messages: [], sent: new Map(), ...options });
    return this.queueUrl(name);
  }

  public queueUrl(name: string): string {
    return `${this.endpoint}/000000000000/${name}`;
  }

  /** Messages in a queue (visible or in flight). */
  public depth(name: string): number {
    return this.queue(name).messages.length;
  }

  /** The bodies of a queue's messages, oldest first. */
  public bodies(name: string): string[] {
    return this.queue(name).messages.map((m) => m.body);
  }

  /**
   * Deliver up to `batchSize` visible messages of a queue to an SQS batch handler as Lambda's event
   * source mapping does: messages reported in `batchItemFailures` (or all of them, if the handler
   * throws) become visible again after the visibility timeout (immediately when `now` moves past it),
   * the others are deleted; a message received `maxReceiveCount` times moves to the dead-letter queue.
   * Answers how many messages were delivered.
   */
  public async deliver(name: string, handler: SqsBatchHandler, options: { batchSize?: number; now?: number } = {}): Promise<number> {
    const queue = this.queue(name);
    const now = options.now ?? Date.now();
    this.redrive(queue, now);
    const batch = this.receive(queue, options.batchSize ?? 10, now);
    if (batch.length === 0) return 0;
    const event: SQSEvent = {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle!,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: {},
        md5OfBody: md5(m.body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${name}`,
        awsRegion: 'us-east-1',
      })),
    };
    let failed: Set<string>;
    try {
      const response = await handler(event, localContext(name));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const m of batch) {
      // A message already deleted meanwhile (a late delivery after a redelivery finished) stays gone:
      // splice(-1, 1) would remove the queue's last, unrelated message.
      const i = queue.messages.indexOf(m);
      if (!failed.has(m.messageId) && i >= 0) queue.messages.splice(i, 1);
    }
    return batch.length;
  }

  /** Deliver until the queue holds no visible message (failed ones come back after `visibilityTimeoutSeconds`, so they stop the loop). */
  public async drain(name: string, handler: SqsBatchHandler, options: { batchSize?: number } = {}): Promise<number> {
    let total = 0;
    for (let n = await this.deliver(name, handler, options); n > 0; n = await this.deliver(name, handler, options)) total += n;
    return total;
  }

  /** Stop the server. */
  public stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private queue(name: string): Queue {
    const q = this.queues.get(name);
    if (!q) throw Object.assign(new Error(`The specified queue does not exist: ${name}`), { code: 'com.amazonaws.sqs#QueueDoesNotExist' });
    return q;
  }

  private queueOf(url: unknown): Queue {
    return this.queue(String(url).split('/').pop() ?? '');
  }

  private redrive(queue: Queue, now: number): void {
    if (!queue.deadLetterQueue) return;
    const dlq = this.queue(queue.deadLetterQueue);
    for (const m of [...queue.messages]) {
      if (m.visibleAt <= now && m.receiveCount >= (queue.maxReceiveCount ?? 5)) {
        queue.messages.splice(queue.messages.indexOf(m), 1);
        dlq.messages.push({ ...m, receiveCount: 0, receiptHandle: undefined, visibleAt: now });
      }
    }
  }

  private receive(queue: Queue, max: number, now: number): LocalMessage[] {
    // A FIFO group is blocked behind its first message that is not visible (in flight).
    const blocked = new Set<string>();
    const batch: LocalMessage[] = [];
    for (const m of queue.messages) {
      if (batch.length >= max) break;
      if (m.groupId !== undefined && blocked.has(m.groupId)) continue;
      if (m.visibleAt <= now) batch.push(m);
      else if (m.groupId !== undefined) blocked.add(m.groupId);
    }
    for (const m of batch) {
      m.receiveCount++;
      m.receiptHandle = randomUUID();
      m.visibleAt = now + (queue.visibilityTimeoutSeconds ?? 30) * 1000;
    }
    return batch;
  }

  /** A FIFO send's group and deduplication id, and the message it duplicates if it was sent in the last five minutes. */
  private fifoSend(queue: Queue, input: Record<string, unknown>, body: string, now: number) {
    const invalid = (message: string) => Object.assign(new Error(message), { code: 'com.amazonaws.sqs#InvalidParameterValue' });
    if (typeof input.MessageGroupId !== 'string' || input.MessageGroupId === '') throw invalid('The request must contain the parameter MessageGroupId.');
    const deduplicationId = typeof input.MessageDeduplicationId === 'string' ? input.MessageDeduplicationId
      : queue.contentBasedDeduplication ? createHash('sha256').update(body, 'utf8').digest('hex') : undefined;
    if (!deduplicationId) throw invalid('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    for (const [id, entry] of queue.sent) if (entry.until <= now) queue.sent.delete(id);
    return { groupId: input.MessageGroupId, deduplicationId, duplicateOf: queue.sent.get(deduplicationId)?.messageId };
  }

  private dispatch(target: string, input: Record<string, unknown>): unknown {
    switch (target) {
      case 'AmazonSSM.GetParameter': {
        const name = String(input.Name);
        const value = this.parameters.get(name);
        if (value === undefined) throw Object.assign(new Error(`Parameter ${name} not found`), { code: 'ParameterNotFound' });
        const arn = `arn:aws:ssm:us-east-1:000000000000:parameter/${name.replace(/^\//, '')}`;
        return { Parameter: { Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text', ARN: arn } };
      }
      case 'AmazonSSM.PutParameter': {
        const name = String(input.Name);
        if (this.parameters.has(name) && input.Overwrite !== true) throw Object.assign(new Error(`Parameter ${name} already exists`), { code: 'ParameterAlreadyExists' });
        this.parameters.set(name, String(input.Value ?? ''));
        return { Version: 1, Tier: 'Standard' };
      }
      case 'secretsmanager.GetSecretValue': {
        const name = String(input.SecretId);
        const value = this.secrets.get(name);
        if (value === undefined) throw Object.assign(new Error(`Secrets Manager can't find the specified secret: ${name}`), { code: 'ResourceNotFoundException' });
        return { ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}`, Name: name, SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'] };
      }
      case 'AmazonSQS.SendMessage': {
        const queue = this.queueOf(input.QueueUrl);
        if (this.refuseSends) throw Object.assign(new Error('Sending is refused (LocalAws.refuseSends)'), { code: 'com.amazonaws.sqs#KmsDisabled' });
        const body = String(input.MessageBody ?? '');
        const now = Date.now();
        const visibleAt = now + Number(input.DelaySeconds ?? 0) * 1000;
        const fifo = queue.fifo ? this.fifoSend(queue, input, body, now) : undefined;
        if (fifo?.duplicateOf) return { MessageId: fifo.duplicateOf, MD5OfMessageBody: md5(body) };
        const message: LocalMessage = { messageId: randomUUID(), body, sentAt: now, receiveCount: 0, visibleAt, groupId: fifo?.groupId };
        queue.messages.push(message);
        if (fifo) queue.sent.set(fifo.deduplicationId, { messageId: message.messageId, until: now + DEDUPLICATION_WINDOW_MS });
        return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
      }
      case 'AmazonSQS.ReceiveMessage': {
        const queue = this.queueOf(input.QueueUrl);
        const now = Date.now();
        this.redrive(queue, now);
        const batch = this.receive(queue, Number(input.MaxNumberOfMessages ?? 1), now);
        return {
          Messages: batch.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
          })),
        };
      }
      case 'AmazonSQS.DeleteMessage': {
        const queue = this.queueOf(input.QueueUrl);
        const i = queue.messages.findIndex((m) => m.receiptHandle === input.ReceiptHandle);
        if (i >= 0) queue.messages.splice(i, 1);
        return {};
      }
      default:
        throw Object.assign(new Error(`LocalAws does not answer ${target || 'this request'}`), { code: 'UnknownOperationException' });
    }
  }
}

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

function localContext(name: string): Context {
  return lambdaContext({ functionName: `local-${name}-worker` });
}
