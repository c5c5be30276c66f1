/**
 * Sample requests for the movement pass's handlers (section 3): every one of its 13 handlers gets a
 * valid request. `prepare` starts the pass system's local run (`startPassLocal`: its table with
 * both indexes and its stream, `LocalAws` for the approval queue, the rules
 * parameter and the signing key) on the section's DynamoDB Local, and seeds through its API what
 * the requests refer to: Ada's registration (her document from the local identity register), an
 * approved pass (its QR code for police), a pass waiting for a reviewer, a pending one for the
 * rules worker, an approved one to revoke, and the accounts `create-pass` applies from (one
 * account may make at most `ACCOUNT_DAILY_APPLICATIONS` a day, so the calls go round-robin over
 * enough of them). The probes
 * then run the bundles in their own processes against the same engines.
 *
 * Handlers that change one item's state (decide, revoke, the rules worker on one pass) do the real
 * work on their first call; later calls of the same request take the refusal path (409, or
 * "already decided"), which the warm statuses show.
 */
import { spawn } from 'child_process';
import { marshall } from '@aws-sdk/util-dynamodb';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { proxyEventFor, type HandlerSamples, type SampleRequest } from './samples';
import { ACCOUNT_DAILY_APPLICATIONS, PASS_ENV } from '../../examples/pass/domain/settings';
import { LOCAL_DOCUMENTS, LOCAL_PERSONAS, startPassLocal } from '../../examples/pass/local-options';
import { PASS_ROUTES } from '../../examples/pass/routes';
import { applicationBody, registrationRequest } from '../../examples/pass/sample-requests';

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

/** An application for the applicant alone (the shared builder), starting `startsIn` ms from now. */
const application = (reason: string, startsIn = -60_000) => applicationBody({ reason, startTime: new Date(Date.now() + startsIn).toISOString() });

/** The accounts `create-pass` applies from, registered before the probes (`bench-applicant-<k>`). */
const APPLICANT_PREFIX = 'bench-applicant-';

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
  prepare: (dynamoDbEndpoint, plan) => new Promise((resolve, reject) => {
    const tsNode = require.resolve('ts-node/dist/bin.js');
    const child = spawn(process.execPath, [tsNode, '--swc', __filename, dynamoDbEndpoint, String(plan.invocations)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
async function serve(dynamoDbEndpoint: string, invocations: number): Promise<void> {
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
    // Ada registers with her document in the local identity register, and the code its holder shows.
    const ada = LOCAL_DOCUMENTS.find((d) => d.nationalIdNumber === 'AB123456')!;
    await call('POST', '/registrations', 'local-citizen', registrationRequest({ name: ada.name, dateOfBirth: ada.dateOfBirth, nationalIdType: ada.nationalIdType, nationalIdNumber: ada.nationalIdNumber, identityEvidence: ada.code }).body);
    const approved = (await call('POST', '/passes', 'local-citizen', application('medical'))).passId as string;
    const toRevoke = (await call('POST', '/passes', 'local-citizen', application('emergency'))).passId as string;
    const toReview = (await call('POST', '/passes', 'local-citizen', application('groceries', 3600_000))).passId as string;
    await pass.settle();
    await pass.settle();
    const pending = (await call('POST', '/passes', 'local-citizen', application('medical', 7200_000))).passId as string;

    // One account may make ACCOUNT_DAILY_APPLICATIONS a day: create-pass's invocations go round-robin
    // over enough registered accounts (each registered by the create-registration handler, with
    // evidence the stub identity provider accepts) to stay under it.
    const applicants = Math.max(1, Math.ceil(invocations / ACCOUNT_DAILY_APPLICATIONS));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after startPassLocal set the environment
    const registerHandler = require('../../examples/pass/handlers/create-registration').handler as (e: unknown, c: unknown) => Promise<APIGatewayProxyResult>;
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < applicants) {
        const k = next++;
        const { body, document } = registrationRequest({ name: 'Bench Applicant', dateOfBirth: '1985-06-01', nationalIdType: 'passport', nationalIdNumber: `BAP${String(k).padStart(6, '0')}`, phone: '+441632960962', district: 'south' });
        pass.addDocument(document);
        const id = `bench-seed-${k}`;
        const res = await registerHandler(proxyEventFor({ method: 'POST', path: '/registrations', claims: { 'sub': `${APPLICANT_PREFIX}${k}`, 'name': 'Bench Applicant', 'email': `applicant${k}@example.com`, 'cognito:groups': '' }, body }, id),
          lambdaContext({ functionName: 'seed', requestId: id, memoryMb: 1024, timeoutMs: 10_000 }));
        if (res.statusCode !== 201) throw new Error(`seeding applicant ${k}: ${res.statusCode} ${res.body}`);
      }
    }));
    const approvedPass = await call('GET', `/passes/${approved}`, 'local-citizen');
    if (!approvedPass.token) throw new Error(`seeding: pass ${approved} is ${approvedPass.status}, not approved`);

    // The builder upper-cases the document number: keep the placeholder as the probe expects it.
    const newcomer = JSON.parse(JSON.stringify(registrationRequest({ name: 'Bea Bench', dateOfBirth: '1985-06-01', nationalIdType: 'national-id', nationalIdNumber: '{{seq}}', phone: '+441632960962', district: 'south' }))
      .replace(/\{\{SEQ\}\}/g, '{{seq}}')) as ReturnType<typeof registrationRequest>;
    const ready: Record<string, SampleRequest> = {
      // A new account and document each call; the document is added to the stub identity
      // provider's register just before (the last few kept), as the identity service would know it.
      'create-registration': api('/registrations', 'POST', 'create-registration', {
        claims: { 'sub': 'bench-{{seq}}', 'name': 'Bea Bench', 'email': 'bea@example.com', 'cognito:groups': '' },
        body: newcomer.body,
        registerPerCall: { env: PASS_ENV.IDENTITY_STUB_REGISTER, entry: newcomer.document, keep: 32 },
      }),
      'get-registration': api('/registrations/me', 'GET', 'get-registration', { claims: ADA }),
      'create-pass': api('/passes', 'POST', 'create-pass', {
        claims: { 'sub': `${APPLICANT_PREFIX}{{index%${applicants}}}`, 'name': 'Bench Applicant', 'email': 'applicant@example.com', 'cognito:groups': '' },
        headers: { 'Idempotency-Key': 'bench-key-{{seq}}' },
        body: application('medical', 3600_000),
      }),
      'give-consent': api('/consents', 'POST', 'give-consent', {
        claims: { 'sub': `${APPLICANT_PREFIX}0`, 'name': 'Bench Applicant', 'email': 'applicant0@example.com', 'cognito:groups': '' },
        body: { applicant: { nationalIdType: ada.nationalIdType, nationalIdNumber: ada.nationalIdNumber }, allow: true },
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
  serve(process.argv[2], Number(process.argv[3] ?? 1)).catch((e) => { console.error(e); process.exit(1); });
}
