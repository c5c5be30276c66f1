import { randomUUID } from 'crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from './caller';
import { Conflict, RuleRefusal } from './errors';
import type { IdentityVerifier } from './identity';
import { keys } from './keys';
import { Registration, RegistrationInput } from './model';
import { cancellationCodes, type PassStore } from '../storage/table';

/** A stored registration, as the citizen sees it. */
export interface RegistrationView extends Registration {
  readonly registeredAt: string;
  /** Who confirmed the identity, and their reference for it. */
  readonly verifiedBy: { readonly provider: string; readonly reference: string; readonly at: string };
}

/**
 * A registration, keyed on a verified identity. The identity verifier first checks that the
 * evidence proves this person (name, date of birth) holds this document; if it does not, nothing
 * is stored (422), so a typed number alone never takes a document. Then, in one transaction, the
 * registration (`USER#<sub>`) and the document's owner item (`NATID#<type>#<number>`) are put, both
 * only if absent: one registration per user, one account per document, and of two accounts racing
 * with one document one wins. If the document is already registered to another account, the
 * caller, having just proved it is theirs, may move it with `claim: true` (a lost account, or a
 * document someone else got registered): the other account's registration ends, in the same
 * transaction, and a claim record keeps who moved it from where.
 */
export async function register(
  store: PassStore, verifier: IdentityVerifier, caller: Caller, input: RegistrationInput, now = new Date(),
): Promise<RegistrationView> {
  const { identityEvidence, claim, ...body } = input;
  const verdict = await verifier.verify({ ...body, evidence: identityEvidence });
  if (!verdict.verified) {
    throw new RuleRefusal(`The identity check failed: ${verdict.why}. Nothing was stored.`, [{ path: 'identityEvidence', message: 'does not prove this document is yours' }]);
  }
  const registeredAt = now.toISOString();
  const verifiedBy = { provider: verdict.provider, reference: verdict.reference, at: registeredAt };
  const registration = { ...keys.registration(caller.sub), ...body, sub: caller.sub, registeredAt, verifiedBy };
  const putRegistration = { Put: { TableName: store.tableName, Item: registration, ConditionExpression: 'attribute_not_exists(pk)' } };
  const documentKey = keys.nationalId(body.nationalIdType, body.nationalIdNumber);
  try {
    await store.client.send(new TransactWriteCommand({
      TransactItems: [
        putRegistration,
        { Put: { TableName: store.tableName, Item: { ...documentKey, sub: caller.sub, name: body.name, registeredAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }));
    return { ...body, registeredAt, verifiedBy };
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') throw new Conflict('You are already registered');
    if (codes?.[1] !== 'ConditionalCheckFailed') throw error;
  }
  if (!claim) {
    throw new Conflict('This document is registered to another account. Your identity check shows it is yours: send claim: true to move it to this account (the other account\'s registration ends).');
  }
  const owner = await store.client.send(new GetCommand({ TableName: store.tableName, Key: documentKey, ConsistentRead: true }));
  const previous = String(owner.Item?.sub ?? '');
  if (!previous || previous === caller.sub) throw new Conflict('The document\'s registration changed meanwhile; try again');
  try {
    await store.client.send(new TransactWriteCommand({
      TransactItems: [
        putRegistration,
        {
          Update: {
            TableName: store.tableName,
            Key: documentKey,
            UpdateExpression: 'SET #sub = :sub, #name = :name, registeredAt = :at',
            ConditionExpression: '#sub = :previous',
            ExpressionAttributeNames: { '#sub': 'sub', '#name': 'name' },
            ExpressionAttributeValues: { ':sub': caller.sub, ':name': body.name, ':at': registeredAt, ':previous': previous },
          },
        },
        {
          Delete: {
            TableName: store.tableName,
            Key: keys.registration(previous),
            ConditionExpression: 'attribute_not_exists(pk) OR (nationalIdType = :type AND nationalIdNumber = :number)',
            ExpressionAttributeValues: { ':type': body.nationalIdType, ':number': body.nationalIdNumber },
          },
        },
        {
          Put: {
            TableName: store.tableName,
            Item: { ...keys.claim(body.nationalIdType, body.nationalIdNumber, registeredAt, randomUUID()), type: 'claim', from: previous, to: caller.sub, verifiedBy, at: registeredAt },
          },
        },
      ],
    }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') throw new Conflict('You are already registered');
    if (codes) throw new Conflict('The document\'s registration changed meanwhile; try again');
    throw error;
  }
  return { ...body, registeredAt, verifiedBy };
}

/** The caller's registration, or undefined. */
export async function registrationOf(store: PassStore, sub: string): Promise<RegistrationView | undefined> {
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: keys.registration(sub), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt, verifiedBy } = out.Item;
  return { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt, verifiedBy };
}

export interface DocumentOwner {
  readonly sub: string;
  readonly name: string;
}

/** Who registered a document (its owner item), or undefined. */
export async function ownerOf(store: PassStore, nationalIdType: string, nationalIdNumber: string): Promise<DocumentOwner | undefined> {
  const key = keys.nationalId(nationalIdType, nationalIdNumber);
  const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
  return out.Item ? { sub: String(out.Item.sub), name: String(out.Item.name ?? '') } : undefined;
}
