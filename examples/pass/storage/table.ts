import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, sdkClientConfig } from '@cdk-rampart/lambda-kit';
import { placementFromEnv, type Placement } from '../domain/regions';
import { PASS_ENV } from '../domain/settings';

/** The table the pass system works on. */
export interface PassStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The regions of a multi-region service and this one among them; absent for one region. */
  readonly placement?: Placement;
  /** The table's replica in another region of the service (writes homed there are sent to it). */
  readonly replicaIn?: (region: string) => PassStore;
}

const remoteClients = new Map<string, DynamoDBDocumentClient>();

/** The store from the environment (read on each call: cheap, and a test can point it elsewhere). */
export function storeFromEnv(): PassStore {
  const tableName = process.env[PASS_ENV.TABLE];
  if (!tableName) throw new Error(`${PASS_ENV.TABLE} is not set`);
  const placement = placementFromEnv();
  if (!placement) return { client: dynamoDb(), tableName };
  const replicaIn = (region: string): PassStore => {
    if (region === placement.here) return store;
    // A global table's replicas share its name; one client per region and container.
    if (!remoteClients.has(region)) {
      const client = new DynamoDBClient({ ...sdkClientConfig(process.env.DYNAMODB_ENDPOINT), region });
      remoteClients.set(region, DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }));
    }
    return { client: remoteClients.get(region)!, tableName, placement: { ...placement, here: region, adopted: [] } };
  };
  const store: PassStore = { client: dynamoDb(), tableName, placement, replicaIn };
  return store;
}

/** The name DynamoDB gives a failed condition, on its own or inside a cancelled transaction. */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** Why each item of a cancelled transaction failed (`None`, `ConditionalCheckFailed`, `TransactionConflict`...). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Some engines only name the reasons in the message: "... reasons [None, ConditionalCheckFailed]".
  const m = /\[([^\]]*)\]/.exec((error as Error).message ?? '');
  return m ? m[1].split(',').map((s) => s.trim()) : [];
}
