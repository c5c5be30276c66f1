import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CompositionQueue } from '../domain/compositions';

/** The FIFO compositions queue as the domain's `CompositionQueue`: the key is the deduplication id and the message group. */
export function sqsCompositionQueue(client: SQSClient, queueUrl: string): CompositionQueue {
  return {
    async send(job) {
      await client.send(new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(job),
        MessageDeduplicationId: job.key,
        MessageGroupId: job.key,
      }));
    },
  };
}
