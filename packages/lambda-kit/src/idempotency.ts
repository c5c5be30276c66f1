import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { bounded, sdkClientConfig } from './aws';
import { ConflictError, HttpError, UnprocessableError } from './errors';
import type { Idempotency, IdempotentCall } from './http';

/**
 * Powertools idempotency with DynamoDB persistence (partition key `id`, expiry `expiration`): a
 * POST carrying an `Idempotency-Key` runs once per key and caller; a repeat within 24 hours gets the
 * first answer back, the same key with another body answers 422, a repeat while the first still
 * runs answers 409.
 *
 * `tableName` is the table's name, or a function giving it (e.g. `() => process.env.MY_TABLE`),
 * read on the first request rather than when the handler module loads: a handler loaded before its
 * environment is set (a local run, a test) still gets idempotency. Without a table name
 * idempotency is off: a plain name that is undefined returns undefined; a function answering
 * undefined on the first request runs every request as is.
 *
 * A module of its own so that routes without idempotency do not carry Powertools idempotency and
 * its JMESPath engine in their bundles.
 */
export function dynamoDbIdempotency(tableName: string | undefined | (() => string | undefined)): Idempotency | undefined {
  if (tableName === undefined || tableName === '') return undefined;
  const tableNameOf = typeof tableName === 'function' ? tableName : () => tableName;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  });
  return {
    wrap(run: (call: IdempotentCall) => Promise<APIGatewayProxyResult>) {
      let once: ((call: IdempotentCall) => Promise<APIGatewayProxyResult>) | undefined;
      return (call: IdempotentCall, context: Context) => {
        if (!once) {
          const name = tableNameOf();
          once = name
            ? makeIdempotent(run, {
              persistenceStore: new DynamoDBPersistenceLayer({
                tableName: name,
                awsSdkV3Client: bounded(new DynamoDBClient(sdkClientConfig(process.env.DYNAMODB_ENDPOINT))),
              }),
              config,
            })
            : run;
        }
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
