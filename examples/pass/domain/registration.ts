import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, Caller, PassStore } from './http';
import { keys } from './keys';
import { Registration } from './model';
import { ConflictError } from '../../shared/handler-kit';

/** A stored registration, as the citizen sees it. */
export interface RegistrationView extends Registration {
  readonly registeredAt: string;
}

/**
 * One registration per user and one per national ID, in a single transaction: the registration
 * (`USER#<sub>`) and the national ID's uniqueness item (`NATID#<type>#<number>`) are both put only
 * if absent, so two users racing with one document get one success and one 409, and a user never
 * holds two registrations.
 */
export async function register(store: PassStore, caller: Caller, body: Registration, now = new Date()): Promise<RegistrationView> {
  const registeredAt = now.toISOString();
  const item = { ...keys.registration(caller.sub), ...body, sub: caller.sub, registeredAt };
  try {
    await store.client.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: store.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: store.tableName,
            Item: { ...keys.nationalId(body.nationalIdType, body.nationalIdNumber), sub: caller.sub, registeredAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') throw new ConflictError('You are already registered');
    if (codes?.[1] === 'ConditionalCheckFailed') throw new ConflictError('This national ID is already registered to another account');
    throw error;
  }
  return { ...body, registeredAt };
}

/** The caller's registration, or undefined. */
export async function registrationOf(store: PassStore, sub: string): Promise<RegistrationView | undefined> {
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: keys.registration(sub), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt } = out.Item;
  return { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt };
}
