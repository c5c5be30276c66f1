import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ImageStore } from '../domain/images';
import type { ImageRecord } from '../domain/model';

/** The images table (partition key `imageId`; `byKind` on `kind` + `createdAt`) as the domain's `ImageStore`. */
export function dynamoDbImageStore(client: DynamoDBDocumentClient, tableName: string): ImageStore {
  const get = async (imageId: string) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: { imageId }, ConsistentRead: true }))).Item as ImageRecord | undefined;
  return {
    get,
    async putPending(record) {
      await client.send(new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(imageId)' }));
    },
    async markReady(imageId, ready) {
      try {
        const out = await client.send(new UpdateCommand({
          TableName: tableName,
          Key: { imageId },
          UpdateExpression: 'SET #status = :ready, version = :version, width = :width, height = :height, #format = :format'
            + (ready.s3VersionId ? ', s3VersionId = :s3VersionId' : ''),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#format': 'format' },
          ExpressionAttributeValues: {
            ':ready': 'ready',
            ':pending': 'pending',
            ':version': ready.version,
            ':width': ready.width,
            ':height': ready.height,
            ':format': ready.format,
            ...(ready.s3VersionId ? { ':s3VersionId': ready.s3VersionId } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }));
        return out.Attributes as ImageRecord;
      } catch (error) {
        // Another completion of the same upload won: answer what it stored.
        if (error instanceof ConditionalCheckFailedException) {
          const current = await get(imageId);
          if (current) return current;
        }
        throw error;
      }
    },
    async removePending(imageId) {
      try {
        await client.send(new DeleteCommand({ TableName: tableName, Key: { imageId }, ConditionExpression: '#status = :pending', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pending': 'pending' } }));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async listReady(kind, limit) {
      // Pending uploads share the index: read pages (newest first) until enough ready ones, at most five.
      const ready: ImageRecord[] = [];
      let start: Record<string, unknown> | undefined;
      for (let page = 0; page < 5 && ready.length < limit; page++) {
        const out = await client.send(new QueryCommand({
          TableName: tableName,
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :kind',
          FilterExpression: '#status = :ready',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':kind': kind, ':ready': 'ready' },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }));
        ready.push(...(out.Items ?? []) as ImageRecord[]);
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
      return ready.slice(0, limit);
    },
  };
}
