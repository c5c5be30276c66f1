import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { ConflictError, HttpError, UnprocessableError } from './errors';
import type { Idempotency, IdempotentCall } from './http';

/**
 * Powertools idempotency with DynamoDB persistence (partition key `id`, expiry `expiration`): a
 * POST carrying an `Idempotency-Key` runs once per key and caller; a repeat within 24 hours gets the
 * first answer back, the same key with another body answers 422, a repeat while the first still
 * runs answers 409.
 *
 * A module of its own so that routes without idempotency do not carry Powertools idempotency and
 * its JMESPath engine in their bundles. Returns undefined without a table name (idempotency off).
 */
export function dynamoDbIdempotency(tableName: string | undefined): Idempotency | undefined {
  if (!tableName) return undefined;
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: new DynamoDBClient(endpoint ? { endpoint } : {}),
  });
  return {
    wrap(run: (call: IdempotentCall) => Promise<APIGatewayProxyResult>) {
      const once = makeIdempotent(run, { persistenceStore, config });
      return (call: IdempotentCall, context: Context) => {
        config.registerLambdaContext(context);
        return once(call);
      };
    },
    toHttpError(error: unknown): HttpError | undefined {
      if (error instanceof IdempotencyValidationError) return new UnprocessableError('This Idempotency-Key was used with a different body');
      if (error instanceof IdempotencyAlreadyInProgressError) return new ConflictError('A request with this Idempotency-Key is still in progress');
      return undefined;
    },
  };
}
