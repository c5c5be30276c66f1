import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canSell, SALE } from '../../examples/counter/domain/policies/count-rules';
import { dynamoDbCounterRepository } from '../../examples/counter/storage/counter-repository';
import { COUNTER_SYSTEM } from '../../examples/counter/system';
import { createTestTable, TestTable } from '../../tools/engines/dynamodb-local';

/** The counter's DynamoDB repository on DynamoDB Local, on a table with the system's keys. */

let table: TestTable;
let client: DynamoDBDocumentClient;
let n = 0;

/** A repository on an item of its own, and a raw read of that item. */
function counterItem() {
  const counterId = `item-${++n}`;
  const repo = dynamoDbCounterRepository({ client, tableName: table.tableName, counterId });
  const stored = async () => {
    const key = { [COUNTER_SYSTEM.tables.counter.partitionKey]: { S: counterId } };
    const out = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  };
  return { repo, stored };
}

const now = new Date('2026-12-01T12:00:00Z');

beforeAll(async () => {
  table = await createTestTable({ prefix: 'counter-repository', partitionKey: COUNTER_SYSTEM.tables.counter.partitionKey });
  client = DynamoDBDocumentClient.from(table.client);
});

afterAll(async () => {
  await table?.destroy();
});

describe('dynamoDbCounterRepository on DynamoDB Local', () => {
  test('an item never written reads as undefined and nothing is written by reading', async () => {
    const { repo, stored } = counterItem();
    expect(await repo.read()).toBeUndefined();
    expect(await stored()).toBeUndefined();
  });

  test('the first sale lowers from the start value; each later one from the stored count', async () => {
    const { repo, stored } = counterItem();
    expect(await repo.lower(SALE, 3, now)).toBe(2);
    expect(await repo.lower(SALE, 3, now)).toBe(1);
    expect(await repo.read()).toBe(1);
    expect(await stored()).toMatchObject({ value: { N: '1' }, updatedAt: { S: now.toISOString() } });
  });

  test('at the lowest count a sale is refused (undefined) and the item is left exactly as it was', async () => {
    const { repo, stored } = counterItem();
    expect(await repo.lower(SALE, 1, now)).toBe(0);
    const before = await stored();
    expect(await repo.lower(SALE, 1, new Date('2026-12-02T00:00:00Z'))).toBeUndefined();
    expect(await stored()).toEqual(before);
  });

  test('the conditional write agrees with the policy: a count sells exactly when canSell says so', async () => {
    for (const count of [0, 1, 2, 5]) {
      const { repo } = counterItem();
      await repo.reset(count, now);
      const lowered = await repo.lower(SALE, 1000, now);
      expect([count, lowered === undefined ? 'refused' : lowered]).toEqual([count, canSell(count) ? count - SALE.by : 'refused']);
    }
  });

  test('a reset sets the count in one write and records when, from any count', async () => {
    const { repo, stored } = counterItem();
    await repo.lower(SALE, 2, now);
    await repo.lower(SALE, 2, now);
    expect(await repo.lower(SALE, 2, now)).toBeUndefined();
    const at = new Date('2026-12-01T13:00:00Z');
    expect(await repo.reset(2, at)).toBe(2);
    expect(await stored()).toMatchObject({ value: { N: '2' }, resetAt: { S: at.toISOString() }, updatedAt: { S: at.toISOString() } });
    expect(await repo.lower(SALE, 2, now)).toBe(1);
  });

  test('100 concurrent sales of a count of 40: exactly 40 succeed, each value handed out once, 60 refused, 0 stored', async () => {
    const { repo } = counterItem();
    const results = await Promise.all(Array.from({ length: 100 }, () => repo.lower(SALE, 40, now)));
    const sold = results.filter((r): r is number => r !== undefined).sort((a, b) => a - b);
    expect(sold).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(results.filter((r) => r === undefined)).toHaveLength(60);
    expect(await repo.read()).toBe(0);
  });
});
