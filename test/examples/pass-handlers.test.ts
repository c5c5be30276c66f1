import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { application, CITIZEN, CITIZEN_2, DLQ, generatedSigningSecret, POLICE, QUEUE, registration, REVIEWER, REVIEWER_2, ADMIN, routeGroups, startPassRig, type PassRig } from './pass-support';
import { base32Decode, base32Encode, base32ToNumber, PASS_QR } from '../../examples/pass/domain/pass-number';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { signingKeyFrom, signPass } from '../../examples/pass/domain/signing';

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
  rig = await startPassRig('pass-handlers', routeGroups());
});

afterAll(async () => {
  await rig?.destroy();
});

async function registered(as = CITIZEN, overrides: Record<string, unknown> = {}) {
  const res = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as, body: registration(overrides) });
  expect(res.status).toBe(201);
}

async function apply(body: Record<string, unknown>, as = CITIZEN, headers: Record<string, string> = {}) {
  return rig.call('create-pass', { method: 'POST', resource: '/passes', as, body, headers });
}

async function getPass(passId: string, as = CITIZEN) {
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
    expect(results.find((r) => r.status === 409)!.body.message).toMatch(/national ID is already registered/);
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
    // Through the queue: three failed receives (maxReceiveCount) and the redrive moves it to the DLQ.
    await drain();
    const url = rig.aws.queueUrl(QUEUE);
    const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"passId": 42}' }));
    for (let i = 0; i < 4; i++) await rig.aws.deliver(QUEUE, handler, { now: Date.now() + i * 3600_000 });
    expect(rig.aws.depth(QUEUE)).toBe(0);
    expect(rig.aws.bodies(DLQ)).toEqual(['{"passId": 42}']);
    sqs.destroy();
  });

  test('Idempotency-Key: a retried application is stored once and answered with the first answer', async () => {
    const body = application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'IDEM0001' }] });
    const before = await rig.count();
    const key = 'retry-key-0001';
    const a = await apply(body, CITIZEN, { 'Idempotency-Key': key });
    const b = await apply(body, CITIZEN, { 'Idempotency-Key': key });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.passId).toBe(a.body.passId);
    expect(await rig.count()).toBe(before + 1);
    const other = await apply({ ...body, durationMinutes: 60 }, CITIZEN, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    await drain();
  });

  test('when the queue refuses the application: 503 with Retry-After, and nothing is stored', async () => {
    const before = await rig.count();
    rig.aws.refuseSends = true;
    try {
      const res = await apply(application({ travellers: [{ name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'DOWN0001' }] }));
      expect(res.status).toBe(503);
      expect(res.headers['Retry-After']).toBe('5');
      expect(res.body.message).toMatch(/nothing was stored/);
    } finally {
      rig.aws.refuseSends = false;
    }
    expect(await rig.count()).toBe(before);
  });

  test('citizens see only their own passes: GET /passes lists them newest first; another user\'s pass is 404, not 403', async () => {
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
    const { dynamoDb } = require('../../examples/shared/handler-kit') as typeof import('../../examples/shared/handler-kit');
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
