import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { application, CITIZEN, type Persona, CITIZEN_2, DLQ, evidenceOf, generatedSigningSecret, POLICE, QUEUE, registration, REVIEWER, REVIEWER_2, ADMIN, routeGroups, startPassRig, type PassRig } from './pass-support';
import { approvalQueue } from '../../examples/pass/domain/clients';
import { sweepStalePending } from '../../examples/pass/domain/outbox';
import { base32Decode, base32Encode, base32ToNumber, PASS_QR } from '../../examples/pass/domain/pass-number';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { signingKeyFrom, signPass } from '../../examples/pass/domain/signing';
import { storeFromEnv } from '../../examples/pass/storage/table';
import { PASS_SYSTEM } from '../../examples/pass/system';

/**
 * The pass API's handlers and the rules worker, in-process, against DynamoDB Local (transactions,
 * both indexes) with the approval queue, the rules parameter and the signing key secret answered
 * by LocalAws: registration uniqueness, applications, the worker's rules, reviewers' decisions
 * (a real race), revocation and roadside checks with their audit log.
 */

let rig: PassRig;
const worker = () => rig.handler('rules-worker') as any;
const drain = () => rig.aws.drain(QUEUE, worker());

beforeAll(async () => {
  rig = await startPassRig(routeGroups());
});

afterAll(async () => {
  await rig?.destroy();
});

async function registered(as = CITIZEN, overrides: Record<string, unknown> = {}) {
  const res = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as, body: registration(overrides) });
  expect(res.status).toBe(201);
}

const holders = new Map<string, Persona>();

/** A registered citizen holding this document (registered once, on first use). */
async function holderOf(nationalIdNumber: string, nationalIdType = 'national-id'): Promise<Persona> {
  const key = `${nationalIdType}#${nationalIdNumber}`;
  if (!holders.has(key)) {
    const persona = { sub: `holder-${nationalIdType}-${nationalIdNumber}`, name: 'Ada Citizen' };
    await registered(persona, { nationalIdType, nationalIdNumber });
    holders.set(key, persona);
  }
  return holders.get(key)!;
}

/**
 * An application. Tests that keep their passes apart by naming a traveller's document
 * (`{ name, nationalIdType, nationalIdNumber }`) apply as that document's registered holder,
 * for themselves: a traveller is never free text.
 */
async function apply(body: Record<string, unknown>, as = CITIZEN, headers: Record<string, string> = {}) {
  const [first] = (body.travellers ?? []) as Record<string, string>[];
  if (as === CITIZEN && first?.nationalIdNumber && !first.kind) {
    as = await holderOf(first.nationalIdNumber, first.nationalIdType);
    body = { ...body, travellers: [{ kind: 'applicant' }] };
  }
  return rig.call('create-pass', { method: 'POST', resource: '/passes', as, body, headers });
}

async function passCount(): Promise<number> {
  return (await rig.items()).filter((i) => String((i.pk as any).S).startsWith('PASS#')).length;
}

/** How many applications the account made today (its per-account counter). */
async function appliedToday(as: Persona): Promise<number> {
  const item = (await rig.items()).find((i) => (i.pk as any).S === `ACCOUNT#${as.sub}#${new Date().toISOString().slice(0, 10)}`);
  return item ? Number((item.count as any).N) : 0;
}

/** The pass as stored (whoever owns it). */
async function getPass(passId: string, as?: Persona) {
  if (!as) {
    const item = (await rig.items()).find((i) => (i.pk as any).S === `PASS#${passId}`);
    as = item ? { sub: (item.ownerSub as any).S, name: 'Owner' } : CITIZEN;
  }
  return rig.call('get-pass', { method: 'GET', resource: '/passes/{passId}', as, params: { passId } });
}

describe('registration', () => {
  test('one per user and one per national ID, enforced by one transaction: 20 users racing with one ID get one 201 and nineteen 409', async () => {
    const before = await rig.count();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => rig.call('create-registration', {
      method: 'POST', resource: '/registrations', as: { sub: `racer-${i}`, name: `Racer ${i}` }, body: registration({ nationalIdNumber: 'RACE-0001' }),
    })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(results.find((r) => r.status === 409)!.body.message).toMatch(/registered to another account/);
    // Exactly the winner's registration and the ID's uniqueness item: no half-written pair.
    expect(await rig.count()).toBe(before + 2);
    const items = await rig.items();
    expect(items.filter((i) => String((i.pk as any).S).startsWith('NATID#national-id#RACE0001'))).toHaveLength(1);
  });

  test('a second registration of the same user is 409 even with another ID; GET /registrations/me reads it back', async () => {
    await registered(CITIZEN);
    const again = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration({ nationalIdNumber: 'ZZ999999' }) });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already registered/);
    const me = await rig.call('get-registration', { method: 'GET', resource: '/registrations/me', as: CITIZEN });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'Ada Citizen', nationalIdNumber: 'AB123456', district: 'north' });
    const nobody = await rig.call('get-registration', { method: 'GET', resource: '/registrations/me', as: { sub: 'ghost', name: 'Ghost' } });
    expect(nobody.status).toBe(404);
  });

  test('bad input lists every field and writes nothing; without a signed-in caller it is 401', async () => {
    const before = await rig.count();
    const res = await rig.call('create-registration', {
      method: 'POST',
      resource: '/registrations',
      as: CITIZEN_2,
      body: { name: '<script>', dateOfBirth: '2999-01-01', nationalIdType: 'library-card', nationalIdNumber: '!', phone: '12345', district: 'North Side', extra: 1 },
    });
    expect(res.status).toBe(400);
    const fields = (res.body.details as { path: string }[]).map((d) => d.path);
    expect(fields).toEqual(expect.arrayContaining(['name', 'dateOfBirth', 'nationalIdType', 'nationalIdNumber', 'phone', 'district']));
    expect(JSON.stringify(res.body.details)).toMatch(/extra/);
    const anonymous = await rig.call('create-registration', { method: 'POST', resource: '/registrations', body: registration({ nationalIdNumber: 'QQ000001' }) });
    expect(anonymous.status).toBe(401);
    expect(await rig.count()).toBe(before);
  });
});

describe('applications and the rules worker', () => {
  beforeAll(async () => {
    await registered(CITIZEN_2, { name: 'Bo Citizen', nationalIdNumber: 'BO000002' });
  });

  test('an applicant must be registered first (409), nothing stored', async () => {
    const before = await rig.count();
    const res = await apply(application(), { sub: 'unregistered', name: 'Nobody' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/Register first/);
    expect(await rig.count()).toBe(before);
  });

  test('medical is approved automatically: queued, decided by the worker, signed, with a QR of the token', async () => {
    const res = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'MED00001' }] }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', holderName: 'Ada Citizen', reason: 'medical' });
    expect(res.body.passId).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(rig.aws.bodies(QUEUE)).toContain(JSON.stringify({ passId: res.body.passId }));
    expect(await drain()).toBeGreaterThanOrEqual(1);
    expect(rig.aws.depth(QUEUE)).toBe(0);
    const pass = await getPass(res.body.passId);
    expect(pass.status).toBe(200);
    expect(pass.body).toMatchObject({ status: 'approved', decidedBy: { kind: 'rules' } });
    expect(pass.body.token).toMatch(PASS_QR);
    expect(pass.body.qr.payload).toBe(pass.body.token);
    expect(pass.body.qr.svg).toMatch(/^<svg/);
  });

  test('"other" goes to the review queue; a reviewer sees it; two reviewers racing get one 200 and one 409', async () => {
    const res = await apply(application({ reason: 'other', note: 'Collecting a prescription for a neighbour', travellers: [{ name: 'Ada Citizen', nationalIdType: 'passport', nationalIdNumber: 'OTH00001' }] }));
    await drain();
    expect((await getPass(res.body.passId)).body.status).toBe('needs-review');
    const queue = await rig.call('review-queue', { method: 'GET', resource: '/review-queue', as: REVIEWER });
    expect(queue.status).toBe(200);
    expect(queue.body.passes.map((p: any) => p.passId)).toContain(res.body.passId);
    const citizenLooks = await rig.call('review-queue', { method: 'GET', resource: '/review-queue', as: CITIZEN });
    expect(citizenLooks.status).toBe(403);

    const decide = (as: typeof REVIEWER, decision: string) => rig.call('decide-pass', {
      method: 'POST', resource: '/passes/{passId}/decision', as, params: { passId: res.body.passId }, body: { decision, reason: `Checked by ${as.name}` },
    });
    const [a, b] = await Promise.all([decide(REVIEWER, 'approve'), decide(REVIEWER_2, 'reject')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const stored = (await getPass(res.body.passId)).body;
    expect(stored.status).toBe(winner.body.status);
    expect(stored.decidedBy).toMatchObject({ kind: 'reviewer', sub: winner === a ? REVIEWER.sub : REVIEWER_2.sub });
    expect(stored.decidedAt).toEqual(expect.any(String));
    // Decided once: a third attempt is 409 and changes nothing.
    const again = await decide(REVIEWER, 'reject');
    expect(again.status).toBe(409);
    expect((await getPass(res.body.passId)).body.decidedAt).toBe(stored.decidedAt);
    // And it left the review queue.
    const after = await rig.call('review-queue', { method: 'GET', resource: '/review-queue', as: REVIEWER });
    expect(after.body.passes.map((p: any) => p.passId)).not.toContain(res.body.passId);
  });

  test('a pass overlapping an approved pass of the same traveller is rejected; a later one is approved', async () => {
    const traveller = [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'OVL00001' }];
    const start = Date.now() + 2 * 3600_000;
    const first = await apply(application({ travellers: traveller, startTime: new Date(start).toISOString(), durationMinutes: 120 }));
    await drain();
    const overlapping = await apply(application({ travellers: traveller, startTime: new Date(start + 60 * 60_000).toISOString(), durationMinutes: 60, reason: 'emergency' }));
    const later = await apply(application({ travellers: traveller, startTime: new Date(start + 3 * 3600_000).toISOString(), durationMinutes: 60 }));
    await drain();
    expect((await getPass(first.body.passId)).body.status).toBe('approved');
    const rejected = (await getPass(overlapping.body.passId)).body;
    expect(rejected.status).toBe('rejected');
    expect(rejected.decisionReason).toContain(first.body.passId);
    expect((await getPass(later.body.passId)).body.status).toBe('approved');
  });

  test('concurrent workers on overlapping applications for one traveller approve exactly one', async () => {
    const traveller = [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'CONC0001' }];
    const start = new Date(Date.now() + 5 * 3600_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await apply(application({ travellers: traveller, startTime: start }))).body.passId);
    // Six deliveries at once (batch size 1), then the retries of those that lost a race.
    await Promise.all(Array.from({ length: 6 }, () => rig.aws.deliver(QUEUE, worker(), { batchSize: 1 })));
    for (let i = 0; i < 6 && rig.aws.depth(QUEUE) > 0; i++) await rig.aws.deliver(QUEUE, worker(), { now: Date.now() + 3600_000 });
    const statuses = await Promise.all(ids.map(async (id) => (await getPass(id)).body.status));
    expect(statuses.filter((s) => s === 'approved')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'rejected')).toHaveLength(5);
  });

  test('the daily quota per district holds: with a quota of 3 (over 2 shards), 3 of 6 approvals, the rest rejected', async () => {
    rig.setRules({ ...DEFAULT_RULES, districtQuotas: { quota: 3 }, quotaShards: 2 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await apply(application({
          from: { address: '2 Low Road', district: 'quota' },
          travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: `QUOTA00${i}` }],
        }))).body.passId);
      }
      await drain();
      const passes = await Promise.all(ids.map(async (id) => (await getPass(id)).body));
      expect(passes.filter((p) => p.status === 'approved')).toHaveLength(3);
      const rejected = passes.filter((p) => p.status === 'rejected');
      expect(rejected).toHaveLength(3);
      expect(rejected[0].decisionReason).toMatch(/daily quota of 3/);
    } finally {
      rig.setRules(DEFAULT_RULES);
    }
  });

  test('rules are data: a longer pass than the reason allows is rejected; changing the parameter changes the outcome', async () => {
    const long = await apply(application({ reason: 'groceries', durationMinutes: 300, travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'RULE0001' }] }));
    await drain();
    expect((await getPass(long.body.passId)).body).toMatchObject({ status: 'rejected', decisionReason: expect.stringMatching(/at most 120 minutes/) });
    rig.setRules({ ...DEFAULT_RULES, autoApprove: ['medical', 'emergency', 'groceries'] });
    try {
      const short = await apply(application({ reason: 'groceries', durationMinutes: 60, travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'RULE0002' }] }));
      await drain();
      expect((await getPass(short.body.passId)).body.status).toBe('approved');
    } finally {
      rig.setRules(DEFAULT_RULES);
    }
  });

  test('redelivery is harmless: a message delivered again after its pass was decided changes nothing', async () => {
    const res = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'REDL0001' }] }));
    await drain();
    const decided = (await getPass(res.body.passId)).body;
    const handler = worker();
    const out = await handler({ Records: [{ messageId: 'm-1', receiptHandle: 'r', body: JSON.stringify({ passId: res.body.passId }), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn', awsRegion: 'us-east-1' }] }, {} as any);
    expect(out).toEqual({ batchItemFailures: [] });
    expect((await getPass(res.body.passId)).body).toEqual(decided);
  });

  test('partial batch failures: a poison message is reported alone, the good ones are processed, and it ends in the DLQ', async () => {
    const good = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'PART0001' }] }));
    const handler = worker();
    const record = (id: string, body: string) => ({ messageId: id, receiptHandle: id, body, attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn', awsRegion: 'us-east-1' });
    const out = await handler({ Records: [record('bad', 'not json'), record('good', JSON.stringify({ passId: good.body.passId }))] }, {} as any);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect((await getPass(good.body.passId)).body.status).toBe('approved');
    // Through the queue: maxReceiveCount failed receives, and the redrive moves it to the DLQ.
    await drain();
    const url = rig.aws.queueUrl(QUEUE);
    const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"passId": 42}' }));
    for (let i = 0; i <= PASS_SYSTEM.queues.approvals.maxReceiveCount; i++) await rig.aws.deliver(QUEUE, handler, { now: Date.now() + i * 3600_000 });
    expect(rig.aws.depth(QUEUE)).toBe(0);
    expect(rig.aws.bodies(DLQ)).toEqual(['{"passId": 42}']);
    sqs.destroy();
  });

  test('Idempotency-Key: a retried application is stored once and answered with the first answer', async () => {
    const body = application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'IDEM0001' }] });
    await holderOf('IDEM0001');
    const before = await passCount();
    const key = 'retry-key-0001';
    const a = await apply(body, CITIZEN, { 'Idempotency-Key': key });
    const b = await apply(body, CITIZEN, { 'Idempotency-Key': key });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.passId).toBe(a.body.passId);
    expect(await passCount()).toBe(before + 1);
    expect(await appliedToday(await holderOf('IDEM0001'))).toBe(1);
    const other = await apply({ ...body, durationMinutes: 60 }, CITIZEN, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    await drain();
  });

  test('when the queue refuses: the application is still accepted (202, stored pending), and the sweeper queues it once the queue takes it', async () => {
    const holder = await holderOf('DOWN0001');
    const passesBefore = await passCount();
    rig.aws.refuseSends = true;
    let passId: string;
    try {
      const res = await apply(application(), holder);
      expect(res.status).toBe(202);
      passId = res.body.passId;
      // The outbox's send is refused: nothing reaches the queue.
      await rig.aws.drain(QUEUE, worker());
      expect((await rig.call('get-pass', { method: 'GET', resource: '/passes/{passId}', as: holder, params: { passId } })).body.status).toBe('pending');
    } finally {
      rig.aws.refuseSends = false;
    }
    expect(await passCount()).toBe(passesBefore + 1);
    // The scheduled sweep, five minutes later, queues what is still pending; the worker decides it.
    expect(await sweepStalePending(storeFromEnv(), approvalQueue(), new Date())).toBe(0);
    expect(await sweepStalePending(storeFromEnv(), approvalQueue(), new Date(Date.now() + 6 * 60_000))).toBeGreaterThanOrEqual(1);
    await rig.aws.drain(QUEUE, worker());
    expect((await rig.call('get-pass', { method: 'GET', resource: '/passes/{passId}', as: holder, params: { passId } })).body.status).toBe('approved');
  });


  test('citizens see only their own passes: GET /passes lists them newest first; another user\'s pass is 404, not 403', async () => {
    for (const hours of [30, 40]) await apply(application({ startTime: new Date(Date.now() + hours * 3600_000).toISOString() }));
    const mine = await rig.call('list-passes', { method: 'GET', resource: '/passes', as: CITIZEN });
    expect(mine.status).toBe(200);
    expect(mine.body.passes.length).toBeGreaterThan(1);
    expect(mine.body.passes.every((p: any) => p.ownerSub === CITIZEN.sub)).toBe(true);
    const times = mine.body.passes.map((p: any) => p.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const theirs = await rig.call('list-passes', { method: 'GET', resource: '/passes', as: CITIZEN_2 });
    expect(theirs.body.passes).toEqual([]);
    const peek = await getPass(mine.body.passes[0].passId, CITIZEN_2);
    expect(peek.status).toBe(404);
    const missing = await getPass('0000-0000-0000');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(peek.body.message.replace(mine.body.passes[0].passId, '0000-0000-0000'));
    const forged = await rig.call('list-passes', { method: 'GET', resource: '/passes', as: CITIZEN_2, query: { cursor: Buffer.from(JSON.stringify({ pk: 'x', ownerPk: `OWNER#${CITIZEN.sub}`, ownerSk: 'y', sk: 'PASS' })).toString('base64url') } });
    expect(forged.status).toBe(400);
  });
});

describe('revocation and roadside checks', () => {
  let approved: any;
  beforeAll(async () => {
    const res = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'CHK00001' }], startTime: new Date(Date.now() - 5 * 60_000).toISOString() }));
    await drain();
    approved = (await getPass(res.body.passId)).body;
    expect(approved.status).toBe('approved');
  });

  const verify = (body: Record<string, unknown>, as = POLICE) => rig.call('verify', { method: 'POST', resource: '/verify', as, body: { checkpoint: 'A1 junction 4', latitude: 51.5, longitude: -0.12, ...body } });

  test('a valid QR answers valid with holder and route; by number too; each check is in the audit log with officer, place and time', async () => {
    const before = (await rig.items()).filter((i) => String((i.pk as any).S).startsWith('CHECK#')).length;
    const byQr = await verify({ qr: approved.token });
    expect(byQr.status).toBe(200);
    expect(byQr.body).toMatchObject({ result: 'valid', passId: approved.passId, pass: { holderName: 'Ada Citizen', from: { district: 'north' }, to: { district: 'central' } } });
    const byNumber = await verify({ passNumber: approved.passId.toLowerCase().replace(/-/g, ' ') });
    expect(byNumber.body.result).toBe('valid');
    const checks = (await rig.items()).filter((i) => String((i.pk as any).S).startsWith('CHECK#'));
    expect(checks.length).toBe(before + 2);
    const mine = checks.find((c) => (c.checkId as any).S === byQr.body.checkId)!;
    expect(mine).toMatchObject({
      officer: { M: { sub: { S: POLICE.sub }, name: { S: POLICE.name } } },
      checkpoint: { S: 'A1 junction 4' },
      latitude: { N: '51.5' },
      presented: { S: 'qr' },
      result: { S: 'valid' },
    });
  });

  test('coordinates are logged to 6 decimals, so values DynamoDB cannot store (a fuzzed -5e-324) are logged as 0', async () => {
    const res = await verify({ passNumber: approved.passId, latitude: 1.123456789, longitude: -5e-324 });
    expect(res.status).toBe(200);
    const check = (await rig.items()).find((c) => (c.checkId as any)?.S === res.body.checkId)!;
    expect(check).toMatchObject({ latitude: { N: '1.123457' }, longitude: { N: '0' } });
  });

  test('tampered, forged and unknown: an altered validity, a foreign key, a made-up key and a made-up number', async () => {
    expect(approved.token).toMatch(PASS_QR);
    const [tag, ref, id, from, minutes, sig] = approved.token.split(':');
    const longer = `${tag}:${ref}:${id}:${from}:${minutes.slice(0, 2)}${minutes[2] === 'Z' ? 'Y' : 'Z'}:${sig}`;
    expect((await verify({ qr: longer })).body.result).toBe('tampered');
    // Signed with another key under the genuine key's name.
    const genuine = (await rig.call('keys', { method: 'GET', resource: '/keys' })).body.keys[0];
    const impostor = await signingKeyFrom(await generatedSigningSecret());
    const nbf = base32ToNumber(from)!;
    const forged = await signPass({ ...impostor, kid: genuine.kid }, { pid: approved.passId, nbf, exp: nbf + 86_400 });
    expect(forged.split(':')[1]).toBe(ref);
    expect((await verify({ qr: forged })).body.result).toBe('tampered');
    expect((await verify({ qr: `${tag}:ZZZZ:${id}:${from}:${minutes}:${sig}` })).body.result).toBe('tampered');
    const unknown = await verify({ passNumber: '0000-0000-0001' });
    expect(unknown.body).toMatchObject({ result: 'unknown' });
    expect(unknown.body.pass).toBeUndefined();
  });

  test('signature malleability: the other valid form of a genuine signature (n - s) and a non-canonical spelling read tampered, not revoked', async () => {
    const body = approved.token.slice(0, approved.token.lastIndexOf(':'));
    const raw = base32Decode(approved.token.slice(approved.token.lastIndexOf(':') + 1), 64)!;
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const s = BigInt(`0x${Buffer.from(raw.subarray(32)).toString('hex')}`);
    const highS = Uint8Array.from(raw);
    highS.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
    // The high-S form is a mathematically valid ECDSA signature of the same text (WebCrypto accepts it)...
    const genuine = (await rig.call('keys', { method: 'GET', resource: '/keys' })).body.keys[0];
    const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: genuine.x, y: genuine.y },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const signed = new TextEncoder().encode(`movement-pass-qr/1\n${body}`);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, highS, signed)).toBe(true);
    // ...which the check refuses: a genuine pass has one valid text only.
    expect((await verify({ qr: `${body}:${base32Encode(highS)}` })).body.result).toBe('tampered');
    // The last character carries 3 padding bits: setting one decodes to the same bytes in a lax decoder.
    const last = approved.token.at(-1)!;
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const padded = `${approved.token.slice(0, -1)}${alphabet[alphabet.indexOf(last) + 1]}`;
    expect(padded).not.toBe(approved.token);
    expect((await verify({ qr: padded })).body.result).toBe('tampered');
    expect((await verify({ qr: approved.token })).body.result).toBe('valid');
  });

  test('not-yet-valid, expired and not-approved follow the stored pass', async () => {
    const future = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'FUT00001' }], startTime: new Date(Date.now() + 48 * 3600_000).toISOString() }));
    const review = await apply(application({ reason: 'work', travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'WRK00001' }] }));
    await drain();
    const futurePass = (await getPass(future.body.passId)).body;
    expect((await verify({ qr: futurePass.token })).body.result).toBe('not-yet-valid');
    expect((await verify({ passNumber: review.body.passId })).body.result).toBe('not-approved');
    // Expired: judged at a later time, through the domain function (the handler uses the clock).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { checkPass } = require('../../examples/pass/domain/verification') as typeof import('../../examples/pass/domain/verification');
    const { loadSigningKey } = require('../../examples/pass/domain/rules') as typeof import('../../examples/pass/domain/rules');
    const { dynamoDb } = require('@cdk-rampart/lambda-kit') as typeof import('@cdk-rampart/lambda-kit');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const key = await loadSigningKey();
    const later = new Date(Date.parse(approved.endTime) + 60_000);
    const answer = await checkPass({ client: dynamoDb(), tableName: rig.table.tableName }, [key.publicJwk], { sub: POLICE.sub, name: POLICE.name, groups: ['police'] },
      { qr: approved.token, checkpoint: 'A1' }, '203.0.113.9', later);
    expect(answer.result).toBe('expired');
  });

  test('revoked: a reviewer or admin revokes an approved pass; its QR then answers revoked; revoking twice is 409', async () => {
    const citizen = await rig.call('revoke-pass', { method: 'POST', resource: '/passes/{passId}/revoke', as: CITIZEN, params: { passId: approved.passId }, body: { reason: 'Nope' } });
    expect(citizen.status).toBe(403);
    const res = await rig.call('revoke-pass', { method: 'POST', resource: '/passes/{passId}/revoke', as: ADMIN, params: { passId: approved.passId }, body: { reason: 'Reported stolen' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', revokedBy: { sub: ADMIN.sub }, revokeReason: 'Reported stolen' });
    expect((await verify({ qr: approved.token })).body.result).toBe('revoked');
    const twice = await rig.call('revoke-pass', { method: 'POST', resource: '/passes/{passId}/revoke', as: REVIEWER, params: { passId: approved.passId }, body: { reason: 'Again' } });
    expect(twice.status).toBe(409);
  });

  test('only police may verify (403, nothing logged); bad input is 400 and logs nothing', async () => {
    const before = await rig.count();
    expect((await verify({ qr: approved.token }, CITIZEN)).status).toBe(403);
    expect((await verify({ qr: approved.token, passNumber: approved.passId })).status).toBe(400);
    expect((await verify({ qr: 'not a token' })).status).toBe(400);
    expect((await verify({ passNumber: approved.passId, latitude: 91 })).status).toBe(400);
    expect(await rig.count()).toBe(before);
  });

  test('GET /keys publishes the public key only (no d), cacheable, and it verifies the pass offline', async () => {
    const res = await rig.call('keys', { method: 'GET', resource: '/keys' });
    expect(res.status).toBe(200);
    expect(res.headers['Cache-Control']).toBe('public, max-age=3600');
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(res.body.keys[0].d).toBeUndefined();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { checkPassToken } = require('../../examples/pass/domain/signing') as typeof import('../../examples/pass/domain/signing');
    const offline = await checkPassToken(approved.token, res.body.keys);
    const [nbf, exp] = [approved.startTime, approved.endTime].map((t: string) => Math.floor(Date.parse(t) / 1000));
    expect(offline).toMatchObject({ ok: true, claims: { pid: approved.passId, nbf, exp, kid: res.body.keys[0].kid } });
  });
});

describe('integrity: travellers, identities, caps, reviewers', () => {
  let n = 0;
  /** A new registered citizen with a document of their own. */
  async function person(name: string): Promise<Persona & { doc: string }> {
    const doc = `IN${Date.now().toString(36).toUpperCase()}${++n}`.slice(0, 20);
    const p = { sub: `person-${doc}`, name, doc };
    await registered(p, { name, nationalIdNumber: doc });
    return p;
  }
  const consent = (as: Persona, applicantDoc: string, allow = true) => rig.call('give-consent', {
    method: 'POST', resource: '/consents', as, body: { applicant: { nationalIdType: 'national-id', nationalIdNumber: applicantDoc }, allow },
  });
  const listed = (doc: string) => ({ kind: 'registered', nationalIdType: 'national-id', nationalIdNumber: doc });
  const hoursAhead = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

  test('H1: a traveller who is not registered, or has not allowed the applicant, is refused (422, nothing stored); after consent they are listed with their registered name', async () => {
    const applicant = await person('Ann Applicant');
    const friend = await person('Fred Friend');
    const before = await rig.count();
    const invented = await apply(application({ travellers: [{ kind: 'applicant' }, listed('ZZ0000INVENTED')] }), applicant);
    expect(invented.status).toBe(422);
    const unasked = await apply(application({ travellers: [{ kind: 'applicant' }, listed(friend.doc)] }), applicant);
    expect(unasked.status).toBe(422);
    // One message for both: the answer does not tell whether a document is registered.
    expect(unasked.body.details).toEqual(invented.body.details);
    expect(unasked.body.details[0].path).toBe('travellers.1');
    // Free text is not a traveller at all.
    expect((await apply(application({ travellers: [{ name: 'Invented Person', nationalIdType: 'national-id', nationalIdNumber: 'XX999999' }] }), applicant)).status).toBe(400);
    expect(await rig.count()).toBe(before);

    expect((await consent(friend, applicant.doc)).status).toBe(200);
    const ok = await apply(application({ travellers: [{ kind: 'applicant' }, listed(friend.doc)] }), applicant);
    expect(ok.status).toBe(202);
    expect(ok.body.travellers).toEqual([
      expect.objectContaining({ kind: 'applicant', name: 'Ann Applicant', sub: applicant.sub }),
      expect.objectContaining({ kind: 'registered', name: 'Fred Friend', sub: friend.sub }),
    ]);
    // Withdrawn: no longer listed.
    expect((await consent(friend, applicant.doc, false)).status).toBe(200);
    expect((await apply(application({ travellers: [listed(friend.doc)], startTime: hoursAhead(30) }), applicant)).status).toBe(422);
    await drain();
  });

  test('H1: dependants without an ID are children, at most 3 a pass', async () => {
    const parent = await person('Pam Parent');
    const child = (name: string, dateOfBirth = '2019-05-01') => ({ kind: 'dependant', name, dateOfBirth });
    const adult = await apply(application({ travellers: [{ kind: 'applicant' }, child('Grown Up', '1990-01-01')] }), parent);
    expect(adult.status).toBe(400);
    expect(JSON.stringify(adult.body.details)).toMatch(/under 18/);
    const many = await apply(application({ travellers: [{ kind: 'applicant' }, child('Kid One'), child('Kid Two'), child('Kid Three'), child('Kid Four')] }), parent);
    expect(many.status).toBe(400);
    expect(JSON.stringify(many.body.details)).toMatch(/at most 3 dependants/);
    const ok = await apply(application({ travellers: [{ kind: 'applicant' }, child('Kid One'), child('Kid Two')] }), parent);
    expect(ok.status).toBe(202);
    await drain();
    expect((await getPass(ok.body.passId)).body.status).toBe('approved');
  });

  test('H1: one account cannot drain a district: the 11th application of a day is refused (422), nothing stored', async () => {
    const hoarder = await person('Hoard Er');
    const kids = Array.from({ length: 12 }, (_, i) => [{ kind: 'dependant', name: `Child ${String.fromCharCode(65 + i)}`, dateOfBirth: '2018-01-01' }]);
    const answers = [];
    for (const travellers of kids) answers.push(await apply(application({ reason: 'emergency', travellers }), hoarder));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.slice(10).map((a) => a.status)).toEqual([422, 422]);
    expect(answers[10].body.message).toMatch(/10 applications today/);
    expect(await appliedToday(hoarder)).toBe(10);
    await drain();
  });

  test('H1: the per-person daily cap: a traveller with 3 approved passes on a day gets no 4th that day', async () => {
    const traveller = await person('Cap Ped');
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const ids: string[] = [];
    // One at a time (the worker decides a batch in parallel; the same traveller's would race and retry later).
    const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    for (const start of [...['08', '10', '12', '14'].map((h) => `${day}T${h}:00:00Z`), `${nextDay}T01:00:00Z`]) {
      ids.push((await apply(application({ startTime: start, durationMinutes: 60 }), traveller)).body.passId);
      await drain();
    }
    const passes = await Promise.all(ids.map(async (id) => (await getPass(id)).body));
    // The fifth starts the next day: that day's cap.
    expect(passes.map((p) => p.status)).toEqual(['approved', 'approved', 'approved', 'rejected', 'approved']);
    expect(passes[3].decisionReason).toMatch(/already holds 3 passes/);
  });

  test('H1: the police answer names each traveller with what to match: document type and last 4 characters, never the whole number', async () => {
    const holder = await person('Hol Der');
    const friend = await person('Fri End');
    await consent(friend, holder.doc);
    const res = await apply(application({ travellers: [{ kind: 'applicant' }, listed(friend.doc), { kind: 'dependant', name: 'Little One', dateOfBirth: '2020-02-02' }], startTime: new Date().toISOString() }), holder);
    await drain();
    const answer = await rig.call('verify', { method: 'POST', resource: '/verify', as: POLICE, body: { passNumber: res.body.passId, checkpoint: 'A1' } });
    expect(answer.body.result).toBe('valid');
    expect(answer.body.pass.holderDocument).toEqual({ type: 'national-id', last: holder.doc.slice(-4) });
    expect(answer.body.pass.travellers).toEqual([
      { name: 'Hol Der', kind: 'applicant', document: { type: 'national-id', last: holder.doc.slice(-4) } },
      { name: 'Fri End', kind: 'registered', document: { type: 'national-id', last: friend.doc.slice(-4) } },
      { name: 'Little One', kind: 'dependant', dateOfBirth: '2020-02-02' },
    ]);
    expect(JSON.stringify(answer.body)).not.toContain(friend.doc);
    expect(JSON.stringify(answer.body)).not.toContain(holder.doc);
  });

  test('H2: listing someone else\'s document does not block their own travel', async () => {
    const attacker = await person('Mal Lory');
    const victim = await person('Vic Tim');
    const grab = await apply(application({ reason: 'emergency', travellers: [{ kind: 'applicant' }, listed(victim.doc)] }), attacker);
    expect(grab.status).toBe(422);
    const own = await apply(application({ reason: 'emergency' }), victim);
    await drain();
    expect((await getPass(own.body.passId)).body.status).toBe('approved');
  });

  test('H2: registering someone else\'s document fails the identity check (422, nothing stored); the owner registers it; a document on another account moves only with claim and a verified identity', async () => {
    const doc = `OWN${Date.now().toString(36).toUpperCase()}`;
    // The stub provider knows the document as Olive Owner's; the squatter has no evidence of it.
    const ownerBody = registration({ name: 'Olive Owner', nationalIdNumber: doc, dateOfBirth: '1970-07-07' });
    const squatter = { sub: 'squatter-1', name: 'Sam Squatter' };
    const before = await rig.count();
    const squat = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: squatter, body: { ...ownerBody, identityEvidence: 'a-guess' } });
    expect(squat.status).toBe(422);
    const squat2 = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: squatter, body: { ...ownerBody, name: 'Sam Squatter', identityEvidence: evidenceOf('SAM1') } });
    expect(squat2.status).toBe(422);
    expect(await rig.count()).toBe(before);
    const owner = { sub: 'owner-1', name: 'Olive Owner' };
    expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: owner, body: ownerBody })).status).toBe(201);

    // The owner, on a new account (the old one lost): 409 with the way out, then claim.
    const newAccount = { sub: 'owner-1-new', name: 'Olive Owner' };
    const again = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: newAccount, body: ownerBody });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/claim: true/);
    const claimed = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: newAccount, body: { ...ownerBody, claim: true } });
    expect(claimed.status).toBe(201);
    expect((await rig.call('get-registration', { method: 'GET', resource: '/registrations/me', as: owner })).status).toBe(404);
    expect((await rig.call('get-registration', { method: 'GET', resource: '/registrations/me', as: newAccount })).body.nationalIdNumber).toBe(doc);
    const claims = (await rig.items()).filter((i) => String((i.pk as any).S).startsWith(`CLAIM#national-id#${doc}`));
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ from: { S: owner.sub }, to: { S: newAccount.sub } });
    // A claim without the holder's evidence is refused like any registration.
    const grab = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: squatter, body: { ...ownerBody, identityEvidence: 'a-guess', claim: true } });
    expect(grab.status).toBe(422);
  });

  test('M3: a reviewer cannot decide their own pass or one listing them (403, recorded, pass unchanged)', async () => {
    const reviewerAsCitizen = { ...REVIEWER, sub: 'reviewer-citizen-1', name: 'Rita Reviewer', groups: ['reviewer'] };
    await registered(reviewerAsCitizen, { name: 'Rita Reviewer', nationalIdNumber: 'RITA0001' });
    const own = await apply(application({ reason: 'other', note: 'My own errand' }), reviewerAsCitizen);
    const relative = await person('Rel Ative');
    await rig.call('give-consent', { method: 'POST', resource: '/consents', as: reviewerAsCitizen, body: { applicant: { nationalIdType: 'national-id', nationalIdNumber: relative.doc }, allow: true } });
    const listing = await apply(application({ reason: 'other', note: 'Taking my cousin', travellers: [{ kind: 'applicant' }, listed('RITA0001')], startTime: hoursAhead(20) }), relative);
    expect(listing.status).toBe(202);
    await drain();
    for (const [passId, why] of [[own.body.passId, /your own pass/], [listing.body.passId, /you travel on/]] as const) {
      const res = await rig.call('decide-pass', { method: 'POST', resource: '/passes/{passId}/decision', as: reviewerAsCitizen, params: { passId }, body: { decision: 'approve', reason: 'Looks fine to me' } });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(why);
      expect((await getPass(passId)).body.status).toBe('needs-review');
      const refusals = (await rig.items()).filter((i) => String((i.pk as any).S) === `REFUSAL#${passId}`);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ reviewer: { M: { sub: { S: reviewerAsCitizen.sub } } }, decision: { S: 'approve' } });
    }
    // Another reviewer decides it.
    const other = await rig.call('decide-pass', { method: 'POST', resource: '/passes/{passId}/decision', as: REVIEWER_2, params: { passId: own.body.passId }, body: { decision: 'approve', reason: 'Checked' } });
    expect(other.status).toBe(200);
  });

  test('revoking a pass frees its travellers\' time: an overlapping pass is approved afterwards', async () => {
    const traveller = await person('Rev Oked');
    const first = await apply(application({ startTime: hoursAhead(2) }), traveller);
    await drain();
    expect((await getPass(first.body.passId)).body.status).toBe('approved');
    const blocked = await apply(application({ startTime: hoursAhead(2.5), reason: 'emergency' }), traveller);
    await drain();
    expect((await getPass(blocked.body.passId)).body.status).toBe('rejected');
    const revoked = await rig.call('revoke-pass', { method: 'POST', resource: '/passes/{passId}/revoke', as: ADMIN, params: { passId: first.body.passId }, body: { reason: 'Issued in error' } });
    expect(revoked.status).toBe(200);
    const record = (await rig.items()).find((i) => (i.pk as any).S === `PERSON#national-id#${traveller.doc}`)!;
    expect((record.active as any).L).toEqual([]);
    const again = await apply(application({ startTime: hoursAhead(2.5), reason: 'emergency' }), traveller);
    await drain();
    expect((await getPass(again.body.passId)).body.status).toBe('approved');
  });
});
