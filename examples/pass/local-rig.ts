import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type { StubDocument } from './domain/identity';
import { PASS_ENV } from './domain/settings';
import { PASS_LOCAL_NAMES, startPassLocal, StreamReader } from './local-options';
import { applicationBody, evidenceOf as sharedEvidenceOf, registrationRequest } from './sample-requests';
import { PASS_SYSTEM } from './system';
import type { LocalAws } from '../shared/local-run/local-aws';

/**
 * The pass system in one process, for the tests (test/examples/pass-*.test.ts) and the long fuzz
 * run (tools/fuzz.ts): the handlers called in-process, on the system the local run starts (`startPassLocal`:
 * the table with its indexes and stream on DynamoDB Local, the rules parameter, the signing key
 * secret and the approval queue with its dead-letter queue answered by `LocalAws`), without its
 * timers and pages: a test delivers what it wants delivered.
 */

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface Persona {
  readonly sub: string;
  readonly name: string;
  readonly groups?: string[];
}

export const CITIZEN: Persona = { sub: 'citizen-1', name: 'Ada Citizen' };
export const CITIZEN_2: Persona = { sub: 'citizen-2', name: 'Bo Citizen' };
export const REVIEWER: Persona = { sub: 'reviewer-1', name: 'Rae Reviewer', groups: ['reviewer'] };
export const REVIEWER_2: Persona = { sub: 'reviewer-2', name: 'Rex Reviewer', groups: ['reviewer'] };
export const POLICE: Persona = { sub: 'officer-1', name: 'Pat Officer', groups: ['police'] };
export const ADMIN: Persona = { sub: 'admin-1', name: 'Ann Admin', groups: ['admin'] };

export const QUEUE = PASS_LOCAL_NAMES.queue;
export const DLQ = PASS_LOCAL_NAMES.deadLetterQueue;
const RULES_PARAM = PASS_LOCAL_NAMES.rulesParam;
const SIGNING_SECRET = PASS_LOCAL_NAMES.signingSecret;
export const PUBLIC_KEYS_PARAM = PASS_LOCAL_NAMES.publicKeysParam;

/** The pass table of a rig. */
export interface RigTable {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly streamArn: string;
}

export interface PassRig {
  readonly table: RigTable;
  readonly aws: LocalAws;
  /** Replace the rules (the worker reads them through SSM; its 5-minute cache is cleared). */
  setRules(rules: Record<string, unknown>): void;
  setSigningSecret(value: string): void;
  handler(name: string): Handler;
  call(name: string, request: Request): Promise<Answer>;
  /** Every item of the pass table (test only: the handlers never scan). */
  items(): Promise<Record<string, unknown>[]>;
  count(): Promise<number>;
  destroy(): Promise<void>;
}

export interface Request {
  readonly method: string;
  readonly resource: string;
  readonly as?: Persona;
  readonly body?: unknown;
  /** A raw body string (sent as is). */
  readonly rawBody?: string;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

const context: Context = lambdaContext({ functionName: 'pass', requestId: 'lambda-request', timeoutMs: 15 * 60_000 });

export function proxyEvent(request: Request): APIGatewayProxyEvent {
  return apiGatewayEvent({
    method: request.method,
    resource: request.resource,
    pathParameters: request.params,
    headers: { 'content-type': 'application/json', ...request.headers },
    query: request.query,
    body: request.rawBody ?? (request.body === undefined ? null : JSON.stringify(request.body)),
    sourceIp: '203.0.113.9',
    claims: request.as ? { 'sub': request.as.sub, 'name': request.as.name, 'cognito:groups': (request.as.groups ?? []).join(',') } : undefined,
  });
}

/** A generated ES256 key pair as the private JWK a secret may hold. */
export async function generatedSigningSecret(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateKeyPair, exportJWK } = require('jose') as typeof Jose;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify(await exportJWK(privateKey));
}

/**
 * Start the pass system (`startPassLocal`, on the DynamoDB Local of the test run) and load the
 * handlers. `requiredGroups` gives each route handler its groups (as the stack gives them to its
 * functions): the default is every route's.
 */
export async function startPassRig(requiredGroups: Record<string, string> = routeGroups()): Promise<PassRig> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the tests with RAMPART_ENGINES including dynamodb-local');
  // Refusals are logged at INFO and the 500 case at ERROR; they would drown the test output.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const pass = await startPassLocal({ dynamoDbEndpoint: endpoint, workers: false, pages: false, identityRegister: [], log: false });
  const aws = pass.aws;
  const table: RigTable = {
    tableName: pass.tables[PASS_SYSTEM.table.envName],
    client: new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    streamArn: pass.streams[PASS_SYSTEM.table.envName],
  };

  // The approval outbox reads the table's stream: before anything is delivered from a queue, the
  // stream's new records go through it, as its event source mapping does within a second in AWS.
  const reader = new StreamReader(endpoint, table.streamArn);
  const relayOnce = async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outbox = require(`./handlers/${PASS_SYSTEM.workers.approvalOutbox}`).handler as (e: unknown, c: Context) => Promise<unknown>;
    await reader.poll(async (records) => { await outbox({ Records: records }, context); });
  };
  // One reader, one poll at a time (as one shard has one consumer); callers arriving while a poll
  // runs share the next one.
  let running: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  const relay = (): Promise<void> => {
    next ??= running.then(() => {
      next = undefined;
      running = relayOnce();
      return running;
    });
    return next;
  };
  const deliver = aws.deliver.bind(aws);
  aws.deliver = async (name, h, options) => {
    await relay();
    return deliver(name, h, options);
  };

  const loaded = new Map<string, Handler>();
  const handler = (name: string): Handler => {
    if (!loaded.has(name)) {
      // Each route's function has its own RAMPART_REQUIRED_GROUPS in Lambda; here they share a process,
      // so the group check is applied around the handler with that route's groups.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const inner = require(`./handlers/${name}`).handler as Handler;
      const groups = requiredGroups[name];
      loaded.set(name, groups === undefined ? inner : async (event, ctx) => {
        const previous = process.env.RAMPART_REQUIRED_GROUPS;
        process.env.RAMPART_REQUIRED_GROUPS = groups;
        try {
          return await inner(event, ctx);
        } finally {
          process.env.RAMPART_REQUIRED_GROUPS = previous ?? '';
        }
      });
    }
    return loaded.get(name)!;
  };

  const scanAll = async () => {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await table.client.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { clearCaches } = require('@aws-lambda-powertools/parameters') as { clearCaches: () => void };
  return {
    table,
    aws,
    setRules: (rules) => {
      aws.parameters.set(RULES_PARAM, JSON.stringify(rules));
      clearCaches();
    },
    setSigningSecret: (value) => {
      aws.secrets.set(SIGNING_SECRET, value);
      clearCaches();
    },
    handler,
    call: async (name, request) => {
      const res = await handler(name)(proxyEvent(request), context);
      if (name === 'create-pass') await relay();
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        body = res.body;
      }
      return { status: res.statusCode, body, headers: res.headers ?? {} };
    },
    items: scanAll,
    count: async () => (await scanAll()).length,
    destroy: async () => {
      table.client.destroy();
      await pass.stop();
    },
  };
}

/** The documents the stub identity provider knows (its register is read from the environment on each check). */
export function addToIdentityRegister(doc: StubDocument): void {
  const register = JSON.parse(process.env[PASS_ENV.IDENTITY_STUB_REGISTER] ?? '[]') as typeof doc[];
  const number = doc.nationalIdNumber.toUpperCase().replace(/[\s-]/g, '');
  const known = register.some((d) => d.nationalIdType === doc.nationalIdType && d.nationalIdNumber === number);
  if (!known) register.push({ ...doc, nationalIdNumber: number });
  process.env[PASS_ENV.IDENTITY_STUB_REGISTER] = JSON.stringify(register);
}

/** The evidence the holder of a document shows the stub identity provider. */
export const evidenceOf = sharedEvidenceOf;

/**
 * A valid registration body, whose document the stub identity provider knows as the named
 * person's, with its holder's evidence (unless `identityEvidence` is overridden).
 */
export function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { body, document } = registrationRequest(overrides);
  addToIdentityRegister(document);
  return body;
}

/** A valid application starting in an hour, for the applicant alone. */
export const application = applicationBody;

/** The required groups of each route's handler, as the stack gives them to the functions. */
export function routeGroups(): Record<string, string> {
  return Object.fromEntries(PASS_SYSTEM.routeList.map((r) => [r.handlerName, (r.requiredGroups ?? []).join(',')]));
}
