import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LocalAws } from '../../examples/shared/local-run/local-aws';

/** The local stand-in for SQS that the local runs and handler tests deliver queues with. */

let aws: LocalAws;
let sqs: SQSClient;
beforeAll(async () => {
  aws = await LocalAws.start();
  sqs = new SQSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sqs.destroy();
  await aws.stop();
});

test('a late delivery of a message that a redelivery already completed deletes nothing else', async () => {
  const url = aws.createQueue('late', { visibilityTimeoutSeconds: 30 });
  for (const body of ['first', 'second']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));

  let release!: () => void;
  const slow = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    expect(event.Records.map((r) => r.body)).toEqual(['first']);
    await new Promise<void>((resolve) => { release = resolve; });
    return { batchItemFailures: [] };
  };
  const late = aws.deliver('late', slow, { batchSize: 1 });
  // The visibility timeout passes: the same message is delivered again, and this time completes.
  const redelivered: string[] = [];
  await aws.deliver('late', async (event) => { redelivered.push(...event.Records.map((r) => r.body)); return { batchItemFailures: [] }; }, { batchSize: 1, now: Date.now() + 31_000 });
  expect(redelivered).toEqual(['first']);

  release();
  expect(await late).toBe(1);
  expect(aws.bodies('late')).toEqual(['second']);
});
