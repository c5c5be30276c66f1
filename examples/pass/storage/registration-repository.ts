import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, type PassStore } from './table';
import { keys } from '../domain/keys';
import type { Registration } from '../domain/model';
import type { Document } from '../domain/policies/conflict-of-interest';

/** A registration as stored, less its keys: what the citizen sees of it. */
export interface RegistrationRecord extends Registration {
  readonly registeredAt: string;
  /** Who confirmed the identity, and their reference for it. */
  readonly verifiedBy: { readonly provider: string; readonly reference: string; readonly at: string };
}

/** Who registered a document (its owner item). */
export interface DocumentOwner {
  readonly sub: string;
  readonly name: string;
}

/** What a first registration did: stored, or refused because the account or the document has one. */
export type CreateOutcome = 'created' | 'already-registered' | 'document-taken';
/** What moving a document to another account did: moved, or refused because the account has one or the document changed meanwhile. */
export type MoveOutcome = 'moved' | 'already-registered' | 'changed';

/**
 * Registrations in the pass table: one per account (`USER#<sub>`), one account per document
 * (`NATID#<type>#<number>`, the document's owner item), and a record of every document moved from
 * one account to another (`CLAIM#<type>#<number>`). Every write is one transaction, conditional on
 * what it expects, so two accounts racing with one document never both hold it.
 */
export class RegistrationRepository {
  constructor(private readonly store: PassStore) {}

  /** The account's registration, or undefined. */
  async get(sub: string): Promise<RegistrationRecord | undefined> {
    const out = await this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: keys.registration(sub), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt, verifiedBy } = out.Item;
    return { name, dateOfBirth, nationalIdType, nationalIdNumber, phone, district, registeredAt, verifiedBy };
  }

  /** Who registered a document, or undefined. */
  async ownerOf(document: Document): Promise<DocumentOwner | undefined> {
    const key = keys.nationalId(document.nationalIdType, document.nationalIdNumber);
    const out = await this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: key, ConsistentRead: true }));
    return out.Item ? { sub: String(out.Item.sub), name: String(out.Item.name ?? '') } : undefined;
  }

  /** The account's registration and the document's owner item, both only if absent. */
  async create(sub: string, registration: RegistrationRecord): Promise<CreateOutcome> {
    try {
      await this.store.client.send(new TransactWriteCommand({
        TransactItems: [
          this.putRegistration(sub, registration),
          {
            Put: {
              TableName: this.store.tableName,
              Item: {
                ...keys.nationalId(registration.nationalIdType, registration.nationalIdNumber),
                sub,
                name: registration.name,
                registeredAt: registration.registeredAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }));
      return 'created';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'already-registered';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'document-taken';
      throw error;
    }
  }

  /**
   * Moves a document from `previous` to `sub`, in one transaction: the new registration (only if
   * the account has none), the owner item (only if `previous` still holds it), the end of the
   * previous account's registration (only if it still names this document), and the claim record
   * (`claimId` keeps records of the same moment apart).
   */
  async moveDocument(sub: string, registration: RegistrationRecord, previous: string, claimId: string): Promise<MoveOutcome> {
    const { nationalIdType, nationalIdNumber, registeredAt } = registration;
    try {
      await this.store.client.send(new TransactWriteCommand({
        TransactItems: [
          this.putRegistration(sub, registration),
          {
            Update: {
              TableName: this.store.tableName,
              Key: keys.nationalId(nationalIdType, nationalIdNumber),
              UpdateExpression: 'SET #sub = :sub, #name = :name, registeredAt = :at',
              ConditionExpression: '#sub = :previous',
              ExpressionAttributeNames: { '#sub': 'sub', '#name': 'name' },
              ExpressionAttributeValues: { ':sub': sub, ':name': registration.name, ':at': registeredAt, ':previous': previous },
            },
          },
          {
            Delete: {
              TableName: this.store.tableName,
              Key: keys.registration(previous),
              ConditionExpression: 'attribute_not_exists(pk) OR (nationalIdType = :type AND nationalIdNumber = :number)',
              ExpressionAttributeValues: { ':type': nationalIdType, ':number': nationalIdNumber },
            },
          },
          {
            Put: {
              TableName: this.store.tableName,
              Item: { ...keys.claim(nationalIdType, nationalIdNumber, registeredAt, claimId), type: 'claim', from: previous, to: sub, verifiedBy: registration.verifiedBy, at: registeredAt },
            },
          },
        ],
      }));
      return 'moved';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'already-registered';
      if (codes) return 'changed';
      throw error;
    }
  }

  private putRegistration(sub: string, registration: RegistrationRecord) {
    return {
      Put: {
        TableName: this.store.tableName,
        Item: { ...keys.registration(sub), ...registration, sub },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
}
