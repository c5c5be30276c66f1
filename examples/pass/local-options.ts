import { createHash, generateKeyPairSync } from 'crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, ScheduledEvent, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { StubDocument } from './domain/identity';
import { NOTHING_PUBLISHED } from './domain/key-set';
import { DEFAULT_RULES, GROUPS, OWNER_INDEX, PASS_ENV, REVIEW_INDEX } from './domain/settings';
import { EXAMPLE, PASS_ROUTES, STAGE_NAME, WORKER_HANDLERS } from './routes';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { lambdaContext, LocalAws, startLocal, type LocalCaller, type LocalExample, type LocalIdentity } from '../shared/local-run';

/**
 * The movement pass on 127.0.0.1 without AWS: DynamoDB Local (the pass table with its two indexes
 * and its stream, the idempotency table), `LocalAws` answering the rules parameter, the signing
 * key secret and the approval queue with its dead-letter queue, the rules worker draining the
 * queue and the stream consumer reading the table's stream (both in-process, as Lambda's event
 * source mappings would call them), the pages and the API routes of the stack's route table.
 */

/** A test identity of the local run: `Authorization: Bearer <token>`. */
export interface LocalPersona {
  readonly token: string;
  readonly role: 'citizen' | 'reviewer' | 'police' | 'admin';
  readonly name: string;
  readonly email: string;
  readonly sub: string;
}

export const LOCAL_PERSONAS: LocalPersona[] = [
  { token: 'local-citizen', role: 'citizen', name: 'Ada Citizen', email: 'ada@example.com', sub: 'local-citizen-ada' },
  { token: 'local-reviewer', role: 'reviewer', name: 'Rae Reviewer', email: 'rae@example.gov', sub: 'local-reviewer-rae' },
  { token: 'local-police', role: 'police', name: 'Pat Officer', email: 'pat@example.gov', sub: 'local-police-pat' },
  { token: 'local-admin', role: 'admin', name: 'Ann Admin', email: 'ann@example.gov', sub: 'local-admin-ann' },
];

/**
 * The local stub identity provider's register: the documents a registration on the local run can
 * name, each with the code its holder shows (a real provider checks the document and the face).
 */
export const LOCAL_DOCUMENTS: StubDocument[] = [
  { nationalIdType: 'national-id', nationalIdNumber: 'AB123456', name: 'Ada Citizen', dateOfBirth: '1980-02-29', code: 'ADA-2902' },
  { nationalIdType: 'national-id', nationalIdNumber: 'LOC00001', name: 'Bea Local', dateOfBirth: '1990-01-01', code: 'BEA-0101' },
  { nationalIdType: 'passport', nationalIdNumber: 'LOC00002', name: 'Cal Local', dateOfBirth: '1975-12-31', code: 'CAL-3112' },
  { nationalIdType: 'residence-permit', nationalIdNumber: 'LOC00003', name: 'Dot Local', dateOfBirth: '2001-06-15', code: 'DOT-1506' },
];

/** Citizens who sign up on the local run present `signup.<base64url of {"name","email"}>`. */
export const SIGNUP_TOKEN_PREFIX = 'signup.';

const ROLE_GROUPS: Record<LocalPersona['role'], string> = { citizen: '', reviewer: GROUPS.REVIEWER, police: GROUPS.POLICE, admin: GROUPS.ADMIN };

/**
 * Who sends a local request: one of the fixed personas, or a citizen who signed up on the page (a
 * self-made token naming them, no groups: like Cognito self sign-up, it can never make staff).
 */
export function passLocalIdentity(): LocalIdentity {
  return {
    async callerOf(headers): Promise<LocalCaller | undefined> {
      const match = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''));
      if (!match) return undefined;
      const persona = LOCAL_PERSONAS.find((p) => p.token === match[1]);
      if (persona) {
        return { claims: { 'sub': persona.sub, 'name': persona.name, 'email': persona.email, 'cognito:groups': ROLE_GROUPS[persona.role] } };
      }
      if (!match[1].startsWith(SIGNUP_TOKEN_PREFIX)) return undefined;
      try {
        const { name, email } = JSON.parse(Buffer.from(match[1].slice(SIGNUP_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
        if (typeof name !== 'string' || typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email) || name.trim() === '') return undefined;
        const sub = `local-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
        return { claims: { 'sub': sub, 'name': name.trim().slice(0, 100), 'email': email.toLowerCase(), 'cognito:groups': '' } };
      } catch {
        return undefined;
      }
    },
  };
}

export interface PassLocalOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default - DynamoDB Local is started */
  readonly dynamoDbEndpoint?: string;
  /** How often the rules worker and the stream consumer look for work. @default 250 */
  readonly pollMs?: number;
  /** @default true */
  readonly log?: boolean;
}

/** The running pass system. */
export interface PassLocal extends LocalExample {
  readonly personas: LocalPersona[];
  readonly aws: LocalAws;
  /** Deliver everything waiting now (approval queue, then the table's stream) and wait for it. */
  settle(): Promise<void>;
  /** Add a document to the stub identity provider's register (read on each check). */
  addDocument(doc: StubDocument): void;
}

const QUEUE = 'pass-approvals';
const DLQ = 'pass-approvals-dlq';
const RULES_PARAM = '/pass/local/rules';
const SIGNING_SECRET = 'pass/local/signing-key';
const PUBLIC_KEYS_PARAM = '/pass/local/public-keys';

/** The DynamoDB Streams API of DynamoDB Local (same endpoint; it checks the credential's form, not its signature). */
async function streams<T>(endpoint: string, op: string, body: unknown): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${op}`,
      'x-amz-date': '20250101T000000Z',
      'authorization': 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const answer = await res.json() as T;
  if (!res.ok) throw new Error(`DynamoDB Streams ${op}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Reads every shard of a table's stream from its start, handing each batch to `consume`. When
 * DynamoDB Local refuses an iterator (trimmed or expired, as it does under load), the reader takes a
 * fresh one after the last record it handed on; the stream consumer counts exactly once, so a record
 * seen twice changes nothing.
 */
export class StreamReader {
  private readonly iterators = new Map<string, string | undefined>();
  private readonly lastSequence = new Map<string, string>();
  constructor(private readonly endpoint: string, private readonly streamArn: string) {}

  private async freshIterator(shardId: string): Promise<string> {
    const after = this.lastSequence.get(shardId);
    const it = await streams<{ ShardIterator: string }>(this.endpoint, 'GetShardIterator', {
      StreamArn: this.streamArn,
      ShardId: shardId,
      ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
    });
    return it.ShardIterator;
  }

  async poll(consume: (records: DynamoDBRecord[]) => Promise<void>): Promise<number> {
    const description = await streams<{ StreamDescription: { Shards: { ShardId: string }[] } }>(this.endpoint, 'DescribeStream', { StreamArn: this.streamArn });
    let count = 0;
    for (const { ShardId } of description.StreamDescription.Shards) {
      if (!this.iterators.has(ShardId)) this.iterators.set(ShardId, await this.freshIterator(ShardId));
      let iterator = this.iterators.get(ShardId);
      let refreshes = 0;
      while (iterator) {
        let page: { Records: DynamoDBRecord[]; NextShardIterator?: string };
        try {
          page = await streams(this.endpoint, 'GetRecords', { ShardIterator: iterator, Limit: 100 });
        } catch (error) {
          if (!/TrimmedDataAccessException|ExpiredIteratorException/.test(String(error)) || ++refreshes > 3) throw error;
          iterator = await this.freshIterator(ShardId);
          this.iterators.set(ShardId, iterator);
          continue;
        }
        if (page.Records.length > 0) {
          await consume(page.Records);
          count += page.Records.length;
          const last = page.Records[page.Records.length - 1].dynamodb?.SequenceNumber;
          if (last) this.lastSequence.set(ShardId, last);
        }
        // A closed shard has no next iterator; an open one answers empty pages until something happens.
        this.iterators.set(ShardId, page.NextShardIterator);
        if (page.Records.length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return count;
  }
}

const workerContext = (name: string): Context => lambdaContext({ functionName: `local-${name}` });

/** Start the whole pass system locally. */
export async function startPassLocal(options: PassLocalOptions = {}): Promise<PassLocal> {
  const log = options.log ?? true;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try { await fn(); } catch (e) { console.error('[pass] cleanup:', e); }
    }
  };
  try {
    for (const [k, v] of Object.entries({ AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1', POWERTOOLS_DEV: 'true' })) process.env[k] ??= v;
    let endpoint = options.dynamoDbEndpoint;
    const enginePids: number[] = [];
    if (!endpoint) {
      const started = await dynamoDbLocal.start();
      cleanups.push(() => started.stop());
      endpoint = started.env.DYNAMODB_ENDPOINT;
    }
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanups.push(async () => client.destroy());
    const suffix = Date.now().toString(36);
    const table = `pass-local-${suffix}`;
    const idempotencyTable = `pass-local-idempotency-${suffix}`;
    const s = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
    const created = await client.send(new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: ['pk', 'sk', 'ownerPk', 'ownerSk', 'reviewPk', 'reviewSk'].map(s),
      GlobalSecondaryIndexes: [
        { IndexName: OWNER_INDEX, KeySchema: [{ AttributeName: 'ownerPk', KeyType: 'HASH' }, { AttributeName: 'ownerSk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        { IndexName: REVIEW_INDEX, KeySchema: [{ AttributeName: 'reviewPk', KeyType: 'HASH' }, { AttributeName: 'reviewSk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }));
    await client.send(new CreateTableCommand({
      TableName: idempotencyTable,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [s('id')],
    }));

    const aws = await LocalAws.start();
    cleanups.push(() => aws.stop());
    aws.createQueue(DLQ);
    const queueUrl = aws.createQueue(QUEUE, { deadLetterQueue: DLQ, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
    aws.parameters.set(RULES_PARAM, JSON.stringify(DEFAULT_RULES));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    aws.secrets.set(SIGNING_SECRET, JSON.stringify(privateKey.export({ format: 'jwk' })));
    aws.parameters.set(PUBLIC_KEYS_PARAM, JSON.stringify(NOTHING_PUBLISHED));

    // The handlers read their environment when they load: set it before startLocal loads them.
    Object.assign(process.env, aws.env(), {
      DYNAMODB_ENDPOINT: endpoint,
      [PASS_ENV.TABLE]: table,
      [PASS_ENV.IDEMPOTENCY_TABLE]: idempotencyTable,
      [PASS_ENV.QUEUE_URL]: queueUrl,
      [PASS_ENV.RULES_PARAM]: RULES_PARAM,
      [PASS_ENV.SIGNING_KEY_SECRET]: SIGNING_SECRET,
      [PASS_ENV.PUBLIC_KEYS_PARAM]: PUBLIC_KEYS_PARAM,
      [PASS_ENV.IDENTITY_STUB_REGISTER]: JSON.stringify(LOCAL_DOCUMENTS),
      POWERTOOLS_SERVICE_NAME: 'pass',
      POWERTOOLS_METRICS_NAMESPACE: 'pass',
    });
    process.env.POWERTOOLS_LOG_LEVEL ??= log ? 'WARN' : 'SILENT';

    const local = await startLocal({
      example: EXAMPLE,
      routes: PASS_ROUTES,
      stageName: STAGE_NAME,
      port: options.port,
      identity: passLocalIdentity(),
      webConfig: {
        environment: 'local',
        auth: {
          mode: 'local',
          personas: LOCAL_PERSONAS.map(({ token, role, name, email }) => ({ token, role, name, email })),
          signupPrefix: SIGNUP_TOKEN_PREFIX,
        },
      },
      log: false,
    });
    cleanups.push(() => local.stop());

    /* eslint-disable @typescript-eslint/no-require-imports -- the handlers are loaded after the environment is set */
    const worker = require(`./handlers/${WORKER_HANDLERS.rulesWorker}`).handler as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>;
    const consumer = require(`./handlers/${WORKER_HANDLERS.streamConsumer}`).handler as (e: DynamoDBStreamEvent, c: Context) => Promise<unknown>;
    type OutboxHandler = (e: DynamoDBStreamEvent | ScheduledEvent, c: Context) => Promise<unknown>;
    const outbox = require(`./handlers/${WORKER_HANDLERS.approvalOutbox}`).handler as OutboxHandler;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const reader = new StreamReader(endpoint, created.TableDescription!.LatestStreamArn!);
    const consume = async (records: DynamoDBRecord[]) => {
      // DynamoDB Local names its own region; Lambda's records carry the table's.
      const batch = records.map((r) => ({ ...r, awsRegion: 'us-east-1', eventSource: 'aws:dynamodb' }));
      // Both of the stream's consumers, as its two event source mappings would call them.
      const relayed = await outbox(
        { Records: batch }, workerContext(WORKER_HANDLERS.approvalOutbox)) as { batchItemFailures?: unknown[] } | undefined;
      if (relayed?.batchItemFailures?.length) console.error(`[pass] approval outbox: ${relayed.batchItemFailures.length} pass(es) not queued (the sweeper queues them)`);
      const out = await consumer({ Records: batch }, workerContext(WORKER_HANDLERS.streamConsumer)) as { batchItemFailures?: unknown[] } | undefined;
      if (out?.batchItemFailures?.length) console.error(`[pass] stream consumer: ${out.batchItemFailures.length} record(s) failed`);
    };
    // The outbox's schedule (every five minutes when deployed): once a minute here.
    const sweep = () => outbox({ 'source': 'aws.events', 'detail-type': 'Scheduled Event' } as ScheduledEvent, workerContext(WORKER_HANDLERS.approvalOutbox));
    const sweeper = setInterval(() => { void sweep().catch((e) => console.error('[pass] sweeper:', e)); }, 60_000);
    cleanups.push(async () => clearInterval(sweeper));

    let round: Promise<void> = Promise.resolve();
    const settle = () => {
      round = round.then(async () => {
        await reader.poll(consume);
        await aws.drain(QUEUE, worker);
        await reader.poll(consume);
      }).catch((e) => { console.error('[pass] worker:', e); });
      return round;
    };
    const timer = setInterval(() => { void settle(); }, options.pollMs ?? 250);
    cleanups.push(async () => {
      clearInterval(timer);
      await round;
    });

    if (log) {
      console.log([
        'The movement pass is running locally',
        `  Citizens:   ${local.url}`,
        `  Police:     ${local.url}police.html`,
        `  Reviewers:  ${local.url}review.html`,
        `  Dashboard:  ${local.url}dashboard.html`,
        `  API:        ${local.apiUrl}  (${PASS_ROUTES.length} routes)`,
        `  DynamoDB:   ${endpoint}  (table ${table}, its stream read by the stream consumer)`,
        `  Queue:      ${QUEUE} (rules worker in-process, every ${options.pollMs ?? 250} ms; DLQ ${DLQ})`,
        'Test identities (the pages offer them; or send Authorization: Bearer <token>):',
        ...LOCAL_PERSONAS.map((p) => `  ${p.role.padEnd(9)} ${p.name.padEnd(13)} token ${p.token}`),
        '  Citizens may also sign up on the page with any name and e-mail address.',
        'Identity register (the local stub identity provider; register with one of these, name and date of birth as given):',
        ...LOCAL_DOCUMENTS.map((d) => `  ${d.nationalIdType.padEnd(16)} ${d.nationalIdNumber}  ${d.name.padEnd(12)} born ${d.dateOfBirth}  identity check code ${d.code}`),
        'Press Ctrl-C to stop.',
      ].join('\n'));
    }

    let stopping: Promise<void> | undefined;
    return {
      ...local,
      dynamoDbEndpoint: endpoint,
      tables: { [PASS_ENV.TABLE]: table, [PASS_ENV.IDEMPOTENCY_TABLE]: idempotencyTable },
      enginePids,
      personas: LOCAL_PERSONAS,
      aws,
      settle,
      addDocument: (doc) => {
        const register = JSON.parse(process.env[PASS_ENV.IDENTITY_STUB_REGISTER] ?? '[]') as StubDocument[];
        process.env[PASS_ENV.IDENTITY_STUB_REGISTER] = JSON.stringify([...register, doc]);
      },
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
