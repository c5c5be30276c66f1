import { randomUUID } from 'crypto';
import { GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ADMIN, application, CITIZEN, POLICE, QUEUE, registration, routeGroups, startPassRig, type PassRig } from './pass-support';
import { PASS_ENV } from '../../examples/pass/domain/settings';
import { createTestStream, type TestStream } from '../../tools/engines/kinesalite';

// eslint-disable-next-line @typescript-eslint/no-require-imports

/**
 * The analytics path: the table's stream consumer, given stream-shaped batches built from the
 * items' real before/after images on DynamoDB Local, updates the day's sharded counters exactly
 * once and puts each event on a Kinesis stream (kinesalite); GET /stats sums the counters.
 */

let rig: PassRig;
let stream: TestStream;
let sequence = 0;

beforeAll(async () => {
  stream = await createTestStream('pass-events');
  process.env[PASS_ENV.EVENTS_STREAM] = stream.streamName;
  rig = await startPassRig(routeGroups());
});

afterAll(async () => {
  await rig?.destroy();
  await stream?.destroy();
});

async function image(pk: string, sk: string): Promise<Record<string, AttributeValue> | undefined> {
  const key = { pk: { S: pk }, sk: { S: sk } };
  const out = await rig.table.client.send(new GetItemCommand({ TableName: rig.table.tableName, Key: key, ConsistentRead: true }));
  return out.Item;
}

function record(eventName: 'INSERT' | 'MODIFY', next: Record<string, AttributeValue>, prev?: Record<string, AttributeValue>): DynamoDBRecord {
  return {
    eventID: randomUUID().replace(/-/g, ''),
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: { pk: next.pk, sk: next.sk } as any,
      NewImage: next as any,
      OldImage: prev as any,
      SequenceNumber: String(++sequence).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
    },
  };
}

const consume = (records: DynamoDBRecord[]) => (rig.handler('stream-consumer') as any)({ Records: records }, {} as any);

describe('stream consumer and GET /stats', () => {
  const records: DynamoDBRecord[] = [];

  beforeAll(async () => {
    expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration() })).status).toBe(201);
    const bodies = [
      application({ reason: 'medical', travellers: [{ kind: 'dependant', name: 'Kid One', dateOfBirth: '2015-01-01' }] }),
      application({ reason: 'other', note: 'Moving a parent to a care home', travellers: [{ kind: 'dependant', name: 'Kid Two', dateOfBirth: '2015-01-01' }] }),
      application({ reason: 'groceries', durationMinutes: 300, from: { address: '9 Mill Lane', district: 'south' }, travellers: [{ kind: 'dependant', name: 'Kid Three', dateOfBirth: '2015-01-01' }] }),
    ];
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await rig.call('create-pass', { method: 'POST', resource: '/passes', as: CITIZEN, body });
      ids.push(res.body.passId);
      records.push(record('INSERT', (await image(`PASS#${res.body.passId}`, 'PASS'))!));
    }
    const before = await Promise.all(ids.map((id) => image(`PASS#${id}`, 'PASS')));
    await rig.aws.drain(QUEUE, rig.handler('rules-worker') as any);
    for (const [i, id] of ids.entries()) records.push(record('MODIFY', (await image(`PASS#${id}`, 'PASS'))!, before[i]));
    const approved = (await rig.call('get-pass', { method: 'GET', resource: '/passes/{passId}', as: CITIZEN, params: { passId: ids[0] } })).body;
    expect((await rig.call('verify', { method: 'POST', resource: '/verify', as: POLICE, body: { qr: approved.token, checkpoint: 'Bridge St' } })).body.result).toBe('not-yet-valid');
    const checks = (await rig.table.client.send(new ScanCommand({ TableName: rig.table.tableName, FilterExpression: 'begins_with(pk, :c)', ExpressionAttributeValues: { ':c': { S: 'CHECK#' } } }))).Items!;
    records.push(record('INSERT', checks[0]));
  });

  test('a batch of changes: every record succeeds; counters summed by GET /stats (admin only) match what happened', async () => {
    expect(await consume(records)).toEqual({ batchItemFailures: [] });
    const stats = await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN });
    expect(stats.status).toBe(200);
    expect(stats.body.totals).toEqual({
      applied: 3,
      byStatus: { 'pending': 0, 'approved': 1, 'needs-review': 1, 'rejected': 1 },
      byReason: { medical: 1, other: 1, groceries: 1 },
      byDistrict: { north: 2, south: 1 },
      checks: 1,
      byCheckResult: { 'not-yet-valid': 1 },
    });
    expect(stats.body.days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(stats.body.days.find((d: any) => d.day === today).applied).toBe(3);
    expect((await rig.call('stats', { method: 'GET', resource: '/stats', as: CITIZEN })).status).toBe(403);
    expect((await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN, query: { from: '2026-01-01', to: '2026-03-01' } })).status).toBe(400);
  });

  test('a redelivered batch changes no counter (exactly-once counting); the archive receives each event, without personal data', async () => {
    const before = (await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN })).body.totals;
    expect(await consume(records)).toEqual({ batchItemFailures: [] });
    expect((await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN })).body.totals).toEqual(before);
    const archived = (await stream.records()).map((r) => JSON.parse(r));
    // At least once: the redelivery put them again; distinct event ids are exactly the records.
    expect(new Set(archived.map((e) => e.event_id))).toEqual(new Set(records.map((r) => r.eventID)));
    expect(archived.map((e) => e.event_type)).toEqual(expect.arrayContaining(['pass.applied', 'pass.approved', 'pass.needs-review', 'pass.rejected', 'pass.checked']));
    const text = JSON.stringify(archived);
    for (const secret of ['Ada Citizen', 'STAT0001', 'High Street', '+441632960961']) expect(text).not.toContain(secret);
  });

  test('partial batch failure: a record that cannot be processed is reported by its sequence number, the others are counted', async () => {
    const broken = record('INSERT', { pk: { S: 'PASS#BROKEN' }, sk: { S: 'PASS' }, passId: { S: 'BROKEN' } });
    const good = record('INSERT', { ...records[0].dynamodb!.NewImage as any, passId: { S: 'EXTRA-0001' } });
    const before = (await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN })).body.totals.applied;
    expect(await consume([good, broken])).toEqual({ batchItemFailures: [{ itemIdentifier: broken.dynamodb!.SequenceNumber }] });
    expect((await rig.call('stats', { method: 'GET', resource: '/stats', as: ADMIN })).body.totals.applied).toBe(before + 1);
  });
});
