/**
 * Sample requests for the movement pass's handlers (section 3): every one of its 13 handlers gets a
 * valid request. `prepare` starts the pass system's local run (`startPassLocal`: its table with
 * both indexes and its stream, the idempotency table, `LocalAws` for the approval queue, the rules
 * parameter and the signing key) on the section's DynamoDB Local, and seeds through its API what
 * the requests refer to: Ada's registration, an approved pass (its QR code for police), a pass
 * waiting for a reviewer, a pending one for the rules worker, an approved one to revoke. The probes
 * then run the bundles in their own processes against the same engines.
 *
 * Handlers that change one item's state (decide, revoke, the rules worker on one pass) do the real
 * work on their first call; later calls of the same request take the refusal path (409, or
 * "already decided"), which the warm statuses show.
 */
import { spawn } from 'child_process';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { HandlerSamples, SampleRequest } from './samples';
import { PASS_ENV } from '../../examples/pass/domain/settings';
import { LOCAL_PERSONAS, startPassLocal } from '../../examples/pass/local-options';
import { PASS_ROUTES } from '../../examples/pass/routes';

const persona = (role: string) => LOCAL_PERSONAS.find((p) => p.role === role)!;
const claimsOf = (role: string, groups: string) => {
  const p = persona(role);
  return { 'sub': p.sub, 'name': p.name, 'email': p.email, 'cognito:groups': groups };
};
const ADA = claimsOf('citizen', '');
const REVIEWER = claimsOf('reviewer', 'reviewer');
const POLICE = claimsOf('police', 'police');
const ADMIN = claimsOf('admin', 'admin');

/** Each route's required groups, as the stack gives them to its function. */
const groupsOf = (handlerName: string) => ({ RAMPART_REQUIRED_GROUPS: (PASS_ROUTES.find((r) => r.handlerName === handlerName)?.requiredGroups ?? []).join(',') });

const application = (reason: string, traveller: string, startsIn = -60_000) => ({
  travellers: [{ name: 'Ada Citizen', nationalIdType: 'passport', nationalIdNumber: traveller }],
  from: { address: '1 High Street', district: 'north' },
  to: { address: 'General Hospital, Ward 4', district: 'central' },
  startTime: new Date(Date.now() + startsIn).toISOString(),
  durationMinutes: 120,
  reason,
});

function api(path: string, method: string, handlerName: string, extra: Partial<SampleRequest> = {}): SampleRequest {
  return { method, path, environment: groupsOf(handlerName), ...extra };
}

const requests: Record<string, SampleRequest> = {};

export const samples: HandlerSamples = {
  // PassApiStack: 1,024 MB for the API routes and the rules worker, 512 MB for the stream consumer, 256 MB for GET /keys.
  memoryMb: 1024,
  tables: [],
  requests,
  // In a process of its own: the probes are run with spawnSync, and LocalAws must keep answering them.
  prepare: (dynamoDbEndpoint) => new Promise((resolve, reject) => {
    const tsNode = require.resolve('ts-node/dist/bin.js');
    const child = spawn(process.execPath, [tsNode, '--swc', __filename, dynamoDbEndpoint], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"environment"'));
      if (!line) return;
      const ready = JSON.parse(line) as { environment: Record<string, string>; requests: Record<string, SampleRequest> };
      Object.assign(requests, ready.requests);
      resolve({
        environment: ready.environment,
        stop: () => new Promise<void>((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); }),
      });
    });
    child.once('exit', (code) => reject(new Error(`pass services exited ${code}: ${out.slice(-1000)}`)));
  }),
};

/** Starts the pass system, seeds it, prints `{ environment, requests }` on one line, runs until SIGTERM. */
async function serve(dynamoDbEndpoint: string): Promise<void> {
  // The worker polls only when asked: the probes' own work is what is measured.
  const pass = await startPassLocal({ dynamoDbEndpoint, log: false, pollMs: 3_600_000 });
  try {
    const base = pass.apiUrl.replace(/\/$/, '');
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      const answer = await res.json() as any;
      if (res.status >= 300) throw new Error(`seeding ${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    await call('POST', '/registrations', 'local-citizen', { name: 'Ada Citizen', dateOfBirth: '1980-02-29', nationalIdType: 'national-id', nationalIdNumber: 'BENCH0001', phone: '+441632960961', district: 'north' });
    const approved = (await call('POST', '/passes', 'local-citizen', application('medical', 'BENCHA001'))).passId as string;
    const toRevoke = (await call('POST', '/passes', 'local-citizen', application('emergency', 'BENCHA002'))).passId as string;
    const toReview = (await call('POST', '/passes', 'local-citizen', application('groceries', 'BENCHA003', 3600_000))).passId as string;
    await pass.settle();
    await pass.settle();
    const pending = (await call('POST', '/passes', 'local-citizen', application('medical', 'BENCHA004', 7200_000))).passId as string;
    const approvedPass = await call('GET', `/passes/${approved}`, 'local-citizen');
    if (!approvedPass.token) throw new Error(`seeding: pass ${approved} is ${approvedPass.status}, not approved`);

    const ready: Record<string, SampleRequest> = {
      'create-registration': api('/registrations', 'POST', 'create-registration', {
        claims: { 'sub': 'bench-{{seq}}', 'name': 'Bea Bench', 'email': 'bea@example.com', 'cognito:groups': '' },
        body: { name: 'Bea Bench', dateOfBirth: '1985-06-01', nationalIdType: 'national-id', nationalIdNumber: '{{seq}}', phone: '+441632960962', district: 'south' },
      }),
      'get-registration': api('/registrations/me', 'GET', 'get-registration', { claims: ADA }),
      'create-pass': api('/passes', 'POST', 'create-pass', {
        claims: ADA, headers: { 'Idempotency-Key': 'bench-key-{{seq}}' }, body: application('medical', '{{seq}}', 3600_000),
      }),
      'list-passes': api('/passes', 'GET', 'list-passes', { claims: ADA }),
      'get-pass': api('/passes/{passId}', 'GET', 'get-pass', { claims: ADA, pathParameters: { passId: approved } }),
      'decide-pass': api('/passes/{passId}/decision', 'POST', 'decide-pass', {
        claims: REVIEWER, pathParameters: { passId: toReview }, body: { decision: 'approve', reason: 'Hospital letter seen' },
      }),
      'revoke-pass': api('/passes/{passId}/revoke', 'POST', 'revoke-pass', {
        claims: ADMIN, pathParameters: { passId: toRevoke }, body: { reason: 'Issued in error' },
      }),
      'review-queue': api('/review-queue', 'GET', 'review-queue', { claims: REVIEWER }),
      'verify': api('/verify', 'POST', 'verify', { claims: POLICE, body: { qr: approvedPass.token, checkpoint: 'Bridge Road' } }),
      'stats': api('/stats', 'GET', 'stats', { claims: ADMIN }),
      'keys': { ...api('/keys', 'GET', 'keys'), memoryMb: 256 },
      'rules-worker': {
        method: 'SQS',
        path: 'rules-worker',
        event: {
          Records: [{
            messageId: 'bench-{{seq}}',
            receiptHandle: 'bench',
            body: JSON.stringify({ passId: pending }),
            attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:pass-approvals',
            awsRegion: 'us-east-1',
          }],
        },
      },
      'stream-consumer': {
        method: 'STREAM',
        path: 'stream-consumer',
        memoryMb: 512,
        // A pass approved: one record, a distinct event id each time (counted once per id).
        event: {
          Records: [{
            eventID: 'bench-{{seq}}',
            eventName: 'MODIFY',
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: 'us-east-1',
            dynamodb: {
              ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
              Keys: marshall({ pk: `PASS#${approved}`, sk: 'PASS' }),
              NewImage: marshall({ pk: `PASS#${approved}`, sk: 'PASS', ...strip(approvedPass), status: 'approved' }, { removeUndefinedValues: true }),
              OldImage: marshall({ pk: `PASS#${approved}`, sk: 'PASS', ...strip(approvedPass), status: 'pending', token: undefined }, { removeUndefinedValues: true }),
              SequenceNumber: '1',
              SizeBytes: 1000,
              StreamViewType: 'NEW_AND_OLD_IMAGES',
            },
          }],
        },
      },
    };
    const environment: Record<string, string> = { ...pass.aws.env(), DYNAMODB_ENDPOINT: dynamoDbEndpoint, POWERTOOLS_SERVICE_NAME: 'pass', POWERTOOLS_METRICS_NAMESPACE: 'pass' };
    for (const k of Object.values(PASS_ENV)) if (process.env[k] !== undefined) environment[k] = process.env[k]!;
    process.stdout.write(`${JSON.stringify({ environment, requests: ready })}\n`);
    process.once('SIGTERM', () => { void pass.stop().then(() => process.exit(0)); });
  } catch (e) {
    await pass.stop();
    throw e;
  }
}

/** The API's view of a pass as the item's attributes (what the stream record carries). */
function strip(view: Record<string, unknown>): Record<string, unknown> {
  const { links: _links, ...rest } = view as any;
  return rest;
}

if (require.main === module) {
  serve(process.argv[2]).catch((e) => { console.error(e); process.exit(1); });
}
