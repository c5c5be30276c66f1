import { createHash, generateKeyPairSync } from 'crypto';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, ScheduledEvent, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { StubDocument } from './domain/identity';
import { NOTHING_PUBLISHED } from './domain/key-set';
import { DEFAULT_RULES, GROUPS, PASS_ENV } from './domain/settings';
import { PASS_SYSTEM } from './system';
import { LocalAws, LocalCleanups, setLocalProcessEnvironment, startLocal, type LocalCaller, type LocalExample, type LocalIdentity } from '../shared/local-run';

/**
 * The movement pass on 127.0.0.1 without AWS, as the system declares it (system.ts): DynamoDB
 * Local (the pass table with its indexes and its stream), `LocalAws` answering the rules parameter,
 * the signing key secret and the approval queue with its dead-letter queue, the rules worker
 * draining the queue and the stream consumers reading the table's stream (in-process, as Lambda's
 * event source mappings would call them), the pages and the API routes of the stack's route table.
 * The README's local run and the tests both start it here.
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
  /** How often the rules worker and the stream consumers look for work. @default 250 */
  readonly pollMs?: number;
  /**
   * Run the rules worker, the stream consumers and the sweeper on timers. Without them nothing is
   * delivered until the caller asks (`settle()`, or `aws.deliver` of a queue): what tests do.
   *
   * @default true
   */
  readonly workers?: boolean;
  /** Build and serve the pages. @default true */
  readonly pages?: boolean;
  /** The stub identity provider's register. @default LOCAL_DOCUMENTS */
  readonly identityRegister?: StubDocument[];
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

/** The local names of the queues, parameters and secret the stack creates (the stack lets CloudFormation name them). */
export const PASS_LOCAL_NAMES = {
  /** The approval queue in `LocalAws`. */
  queue: `${PASS_SYSTEM.example}-approvals`,
  /** Its dead-letter queue (named as WorkQueue names a named queue's). */
  deadLetterQueue: `${PASS_SYSTEM.example}-approvals-dlq`,
  rulesParam: '/pass/local/rules',
  signingSecret: 'pass/local/signing-key',
  publicKeysParam: '/pass/local/public-keys',
} as const;

const { queue: QUEUE, deadLetterQueue: DLQ, rulesParam: RULES_PARAM, signingSecret: SIGNING_SECRET } = PASS_LOCAL_NAMES;
const PUBLIC_KEYS_PARAM = PASS_LOCAL_NAMES.publicKeysParam;
const { example: EXAMPLE, stageName: STAGE_NAME, workers: WORKER_HANDLERS } = PASS_SYSTEM;

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
  const cleanups = new LocalCleanups('pass');
  try {
    setLocalProcessEnvironment({ log });
    const aws = await LocalAws.start();
    cleanups.push(() => aws.stop());
    const approvals = PASS_SYSTEM.queues.approvals;
    aws.createQueue(DLQ);
    const queueUrl = aws.createQueue(QUEUE, {
      deadLetterQueue: DLQ,
      maxReceiveCount: approvals.maxReceiveCount,
      visibilityTimeoutSeconds: approvals.visibilityTimeoutSeconds,
    });
    aws.parameters.set(RULES_PARAM, JSON.stringify(DEFAULT_RULES));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    aws.secrets.set(SIGNING_SECRET, JSON.stringify(privateKey.export({ format: 'jwk' })));
    aws.parameters.set(PUBLIC_KEYS_PARAM, JSON.stringify(NOTHING_PUBLISHED));

    // startLocal creates the table and sets this environment before it loads the handlers (they
    // read their configuration when they load, as in Lambda).
    const local = await startLocal({
      example: EXAMPLE,
      routes: PASS_SYSTEM.routeList,
      stageName: STAGE_NAME,
      tables: [PASS_SYSTEM.table],
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      environment: {
        ...aws.env(),
        [approvals.envName]: queueUrl,
        [PASS_ENV.RULES_PARAM]: RULES_PARAM,
        [PASS_ENV.SIGNING_KEY_SECRET]: SIGNING_SECRET,
        [PASS_ENV.PUBLIC_KEYS_PARAM]: PUBLIC_KEYS_PARAM,
        [PASS_ENV.IDENTITY_STUB_REGISTER]: JSON.stringify(options.identityRegister ?? LOCAL_DOCUMENTS),
        POWERTOOLS_SERVICE_NAME: 'pass',
        POWERTOOLS_METRICS_NAMESPACE: 'pass',
      },
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
      pages: options.pages,
      log: false,
    });
    cleanups.push(() => local.stop());
    const endpoint = local.dynamoDbEndpoint!;
    const table = local.tables[PASS_SYSTEM.table.envName];

    /* eslint-disable @typescript-eslint/no-require-imports -- the handlers are loaded after the environment is set */
    const worker = require(`./handlers/${approvals.consumer.handlerName}`).handler as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>;
    const consumer = require(`./handlers/${WORKER_HANDLERS.streamConsumer}`).handler as (e: DynamoDBStreamEvent, c: Context) => Promise<unknown>;
    type OutboxHandler = (e: DynamoDBStreamEvent | ScheduledEvent, c: Context) => Promise<unknown>;
    const outbox = require(`./handlers/${WORKER_HANDLERS.approvalOutbox}`).handler as OutboxHandler;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const reader = new StreamReader(endpoint, local.streams[PASS_SYSTEM.table.envName]);
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
    if (options.workers ?? true) {
      const sweeper = setInterval(() => { void sweep().catch((e) => console.error('[pass] sweeper:', e)); }, 60_000);
      cleanups.push(async () => clearInterval(sweeper));
    }

    let round: Promise<void> = Promise.resolve();
    const settle = () => {
      round = round.then(async () => {
        await reader.poll(consume);
        await aws.drain(QUEUE, worker, { batchSize: approvals.consumer.batchSize });
        await reader.poll(consume);
      }).catch((e) => { console.error('[pass] worker:', e); });
      return round;
    };
    // Stopping clears the timer first, then waits for the round under way (cleanups run last first).
    cleanups.push(async () => { await round; });
    if (options.workers ?? true) {
      const timer = setInterval(() => { void settle(); }, options.pollMs ?? 250);
      cleanups.push(async () => clearInterval(timer));
    }

    if (log) {
      console.log([
        'The movement pass is running locally',
        `  Citizens:   ${local.url}`,
        `  Police:     ${local.url}police.html`,
        `  Reviewers:  ${local.url}review.html`,
        `  Dashboard:  ${local.url}dashboard.html`,
        `  API:        ${local.apiUrl}  (${PASS_SYSTEM.routeList.length} routes)`,
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

    return {
      ...local,
      personas: LOCAL_PERSONAS,
      aws,
      settle,
      addDocument: (doc) => {
        const register = JSON.parse(process.env[PASS_ENV.IDENTITY_STUB_REGISTER] ?? '[]') as StubDocument[];
        process.env[PASS_ENV.IDENTITY_STUB_REGISTER] = JSON.stringify([...register, doc]);
      },
      stop: () => cleanups.stop(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}
