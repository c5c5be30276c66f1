import { randomUUID } from 'crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type { StubDocument } from '../../examples/pass/domain/identity';
import { NOTHING_PUBLISHED } from '../../examples/pass/domain/key-set';
import { DEFAULT_RULES, PASS_ENV } from '../../examples/pass/domain/settings';
import { StreamReader } from '../../examples/pass/local-options';
import { applicationBody, evidenceOf as sharedEvidenceOf, registrationRequest } from '../../examples/pass/sample-requests';
import { lambdaContext } from '../../examples/shared/local-run/lambda-context';
import { LocalAws } from '../../examples/shared/local-run/local-aws';
import { createTestTable, TestTable } from '../../tools/engines/dynamodb-local';

/**
 * The pass example's handlers in-process against DynamoDB Local (the table with both indexes, and
 * the idempotency table), with the rules parameter, the signing key secret and the approval queue
 * (and its dead-letter queue) answered by `LocalAws`.
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

export const QUEUE = 'pass-approvals';
export const DLQ = 'pass-approvals-dlq';
const RULES_PARAM = '/pass/rules';
const SIGNING_SECRET = 'pass/signing-key';
export const PUBLIC_KEYS_PARAM = '/pass/public-keys';

export interface PassRig {
  readonly table: TestTable;
  readonly idempotency: TestTable;
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
  const path = request.params ? Object.entries(request.params).reduce((p, [k, v]) => p.replace(`{${k}}`, v), request.resource) : request.resource;
  return {
    httpMethod: request.method,
    resource: request.resource,
    path,
    headers: { 'content-type': 'application/json', ...request.headers },
    multiValueHeaders: {},
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: request.params ?? null,
    stageVariables: null,
    isBase64Encoded: false,
    body: request.rawBody ?? (request.body === undefined ? null : JSON.stringify(request.body)),
    requestContext: {
      requestId: `req-${randomUUID()}`,
      identity: { sourceIp: '203.0.113.9' },
      authorizer: request.as ? {
        claims: { 'sub': request.as.sub, 'name': request.as.name, 'cognito:groups': (request.as.groups ?? []).join(',') },
      } : null,
    } as any,
  };
}

/** A generated ES256 key pair as the private JWK a secret may hold. */
export async function generatedSigningSecret(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateKeyPair, exportJWK } = require('jose') as typeof Jose;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify(await exportJWK(privateKey));
}

/** Start everything and load the handlers (after the environment is set: the handler kit reads it when it loads). */
export async function startPassRig(prefix: string, requiredGroups: Record<string, string> = {}): Promise<PassRig> {
  const table = await createTestTable({
    prefix,
    partitionKey: 'pk',
    sortKey: 'sk',
    globalSecondaryIndexes: [
      { name: 'byOwner', partitionKey: 'ownerPk', sortKey: 'ownerSk' },
      { name: 'reviewQueue', partitionKey: 'reviewPk', sortKey: 'reviewSk' },
    ],
    stream: true,
  });
  const idempotency = await createTestTable({ prefix: `${prefix}-idem`, partitionKey: 'id' });
  const aws = await LocalAws.start();
  for (const [k, v] of Object.entries(aws.env())) process.env[k] = v;
  aws.createQueue(DLQ);
  const queueUrl = aws.createQueue(QUEUE, { deadLetterQueue: DLQ, maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
  aws.parameters.set(RULES_PARAM, JSON.stringify(DEFAULT_RULES));
  aws.secrets.set(SIGNING_SECRET, await generatedSigningSecret());
  aws.parameters.set(PUBLIC_KEYS_PARAM, JSON.stringify(NOTHING_PUBLISHED));

  Object.assign(process.env, {
    [PASS_ENV.TABLE]: table.tableName,
    [PASS_ENV.IDEMPOTENCY_TABLE]: idempotency.tableName,
    [PASS_ENV.QUEUE_URL]: queueUrl,
    [PASS_ENV.RULES_PARAM]: RULES_PARAM,
    [PASS_ENV.SIGNING_KEY_SECRET]: SIGNING_SECRET,
    [PASS_ENV.PUBLIC_KEYS_PARAM]: PUBLIC_KEYS_PARAM,
    [PASS_ENV.IDENTITY_STUB_REGISTER]: '[]',
    // Refusals are logged at INFO and the 500 case at ERROR; they would drown the test output.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_SERVICE_NAME: 'pass',
    POWERTOOLS_METRICS_NAMESPACE: 'pass',
  });

  // The approval outbox reads the table's stream: before anything is delivered from a queue, the
  // stream's new records go through it, as its event source mapping does within a second in AWS.
  const reader = new StreamReader(process.env.DYNAMODB_ENDPOINT!, table.streamArn!);
  const relayOnce = async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outbox = require('../../examples/pass/handlers/approval-outbox').handler as (e: unknown, c: Context) => Promise<unknown>;
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
      const inner = require(`../../examples/pass/handlers/${name}`).handler as Handler;
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
    idempotency,
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
      await aws.stop();
      await table.destroy();
      await idempotency.destroy();
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PASS_ROUTES } = require('../../examples/pass/routes') as typeof import('../../examples/pass/routes');
  return Object.fromEntries(PASS_ROUTES.map((r) => [r.handlerName, (r.requiredGroups ?? []).join(',')]));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
