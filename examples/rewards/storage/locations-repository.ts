import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CELL_PRECISION, geohash, NOTIFICATION_TTL_HOURS, NOTIFY_EVERY_MINUTES, POSITION_INTERVAL_MS, POSITION_TTL_HOURS, positionDecision, quietUntil,
  type LatestPosition, type ProximityRole, type Sharing,
} from '../domain/proximity';
import type { Notification, NotificationStore, PositionStore, SharingStore } from '../domain/tracking';

/**
 * The tracking tables on DynamoDB (system.ts declares them; none has a stream, so no position ever
 * reaches the archive). Every item carries `expiresAt` (epoch seconds), the tables' TTL attribute;
 * DynamoDB deletes expired items within days, so every read also checks expiry itself.
 *
 * locations (`pk`, `sk`), TTL one hour after the position:
 * - `user#<id>` / `device`: when its last position was admitted (the rate limit) and for which roles;
 * - `user#<id>` / `latest#<role>`: its latest position in that role, filed under `cellKey`
 *   (`<role>#<geohash-8>`) and `seenAt` (the sample time) in the `byCell` index;
 * - `user#<id>` / `at#<sample time>`: its position history.
 *
 * sharing (`pk` = the officer): `until` (ISO), TTL at `until`; stopped sharing is no item.
 *
 * notifications (`pk` = the civilian, `sk`), TTL one hour:
 * - `n#<at>#<id>`: a notification;
 * - `quiet#<officer>`: until when the civilian is not told about that officer again.
 */

/** The locations table's index of latest positions by cell. */
export const BY_CELL_INDEX = 'byCell';

export interface TrackingTables {
  readonly client: DynamoDBDocumentClient;
  readonly locationsTable: string;
  readonly sharingTable: string;
  readonly notificationsTable: string;
}

const epoch = (d: Date) => Math.ceil(d.getTime() / 1000);
const hoursAfter = (d: Date, hours: number) => new Date(d.getTime() + hours * 3_600_000);
const userKey = (id: string) => `user#${id}`;
const unexpired = (item: Record<string, any> | undefined, now: Date) => item !== undefined && (typeof item.expiresAt !== 'number' || item.expiresAt * 1000 > now.getTime());

/** A value of a condition failure's item, marshalled (`{ N: '1' }`) or not. */
function valueOf(item: Record<string, any> | undefined, name: string): unknown {
  const v = item?.[name];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v.S ?? (v.N === undefined ? undefined : Number(v.N));
  return v;
}

const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

export function dynamoDbPositionStore(tables: TrackingTables): PositionStore {
  const { client, locationsTable: TableName } = tables;
  return {
    async admit(userId, roles, now) {
      try {
        await client.send(new UpdateCommand({
          TableName,
          Key: { pk: userKey(userId), sk: 'device' },
          UpdateExpression: 'SET acceptedAt = :now, #roles = :roles, expiresAt = :ttl',
          // Of two positions within a second (two devices, a retry), exactly one passes this.
          ConditionExpression: 'attribute_not_exists(acceptedAt) OR acceptedAt <= :limit',
          ExpressionAttributeNames: { '#roles': 'roles' },
          ExpressionAttributeValues: {
            ':now': now.getTime(), ':roles': [...roles], ':ttl': epoch(hoursAfter(now, POSITION_TTL_HOURS)), ':limit': now.getTime() - POSITION_INTERVAL_MS,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }));
        return { accept: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const last = Number(valueOf((error as { Item?: Record<string, any> }).Item, 'acceptedAt'));
        const decision = positionDecision(Number.isFinite(last) ? new Date(last) : now, now);
        return decision.accept ? { accept: false, retryAfterSeconds: 1 } : decision;
      }
    },

    async rolesOf(userId) {
      const out = await client.send(new GetCommand({ TableName, Key: { pk: userKey(userId), sk: 'device' }, ConsistentRead: true }));
      return out.Item ? (out.Item.roles as ProximityRole[]) : undefined;
    },

    async record(userId, roles, at, sampledAt) {
      const expiresAt = epoch(hoursAfter(sampledAt, POSITION_TTL_HOURS));
      const seenAt = sampledAt.toISOString();
      await client.send(new PutCommand({
        TableName,
        Item: { pk: userKey(userId), sk: `at#${seenAt}`, latitude: at.latitude, longitude: at.longitude, expiresAt },
      }));
      const cell = geohash(at, CELL_PRECISION);
      await Promise.all(roles.map(async (role) => {
        try {
          await client.send(new PutCommand({
            TableName,
            Item: { pk: userKey(userId), sk: `latest#${role}`, userId, role, latitude: at.latitude, longitude: at.longitude, seenAt, cellKey: `${role}#${cell}`, expiresAt },
            // Events arrive in any order: an older position never replaces a newer one.
            ConditionExpression: 'attribute_not_exists(seenAt) OR seenAt <= :seenAt',
            ExpressionAttributeValues: { ':seenAt': seenAt },
          }));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }));
    },

    async near(role, cells, since) {
      const pages = await Promise.all(cells.map((cell) => client.send(new QueryCommand({
        TableName,
        IndexName: BY_CELL_INDEX,
        KeyConditionExpression: 'cellKey = :cell AND seenAt >= :since',
        ExpressionAttributeValues: { ':cell': `${role}#${cell}`, ':since': since.toISOString() },
        Limit: 200,
      }))));
      return pages.flatMap((page) => (page.Items ?? []).map((item): LatestPosition => ({
        userId: item.userId, role: item.role, latitude: item.latitude, longitude: item.longitude, sampledAt: new Date(item.seenAt),
      })));
    },

    async forget(userId, role) {
      await client.send(new DeleteCommand({ TableName, Key: { pk: userKey(userId), sk: `latest#${role}` } }));
    },
  };
}

export function dynamoDbSharingStore(tables: TrackingTables): SharingStore {
  const { client, sharingTable: TableName } = tables;
  return {
    async read(officerId) {
      const out = await client.send(new GetCommand({ TableName, Key: { pk: officerId }, ConsistentRead: true }));
      return out.Item && typeof out.Item.until === 'string' ? { expiresAt: new Date(out.Item.until) } : undefined;
    },
    async write(officerId, sharing: Sharing) {
      if (sharing.expiresAt === null) {
        await client.send(new DeleteCommand({ TableName, Key: { pk: officerId } }));
        return;
      }
      const until = sharing.expiresAt;
      await client.send(new PutCommand({ TableName, Item: { pk: officerId, until: until.toISOString(), expiresAt: epoch(until) } }));
    },
  };
}

export function dynamoDbNotificationStore(tables: TrackingTables): NotificationStore {
  const { client, notificationsTable: TableName } = tables;
  return {
    async notify(notice, notification, at) {
      const quiet = quietUntil(at);
      try {
        await client.send(new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { pk: notice.civilianId, sk: `quiet#${notice.officerId}`, untilMs: quiet.getTime(), expiresAt: epoch(quiet) + NOTIFY_EVERY_MINUTES * 60 },
                // `mayNotify` as the condition DynamoDB checks atomically with the write: of two events at once, one notifies.
                ConditionExpression: 'attribute_not_exists(untilMs) OR untilMs <= :now',
                ExpressionAttributeValues: { ':now': at.getTime() },
              },
            },
            {
              Put: {
                TableName,
                Item: { pk: notice.civilianId, sk: `n#${notification.at}#${notification.id}`, ...notification, expiresAt: epoch(hoursAfter(at, NOTIFICATION_TTL_HOURS)) },
              },
            },
          ],
        }));
        return true;
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
        if ((error as Error)?.name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },

    async list(civilianId, since, now, limit) {
      const out = await client.send(new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': civilianId, ':from': since ? `n#${since.toISOString()}` : 'n#', ':to': 'n#~' },
        ScanIndexForward: false,
        Limit: limit,
      }));
      return (out.Items ?? []).filter((item) => unexpired(item, now)).map((item): Notification => ({
        id: item.id, kind: item.kind, at: item.at, distanceMetres: item.distanceMetres,
      }));
    },
  };
}
