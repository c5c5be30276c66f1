import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PassStore } from './table';
import { keys } from '../domain/keys';
import type { Document } from '../domain/policies/conflict-of-interest';

/**
 * Consents in the pass table: the holder of one document (`CONSENT#<type>#<number>`) allows the
 * holder of another (`BY#<type>#<number>`, an applicant) to list them as a traveller.
 */
export class ConsentRepository {
  constructor(private readonly store: PassStore) {}

  /** Records that `traveller`'s holder (account `sub`) allows `applicant`'s holder to list them. */
  async allow(traveller: Document, applicant: Document, sub: string, givenAt: string): Promise<void> {
    await this.store.client.send(new PutCommand({ TableName: this.store.tableName, Item: { ...this.key(traveller, applicant), type: 'consent', sub, givenAt } }));
  }

  /** Withdraws it (nothing to withdraw is fine). */
  async withdraw(traveller: Document, applicant: Document): Promise<void> {
    await this.store.client.send(new DeleteCommand({ TableName: this.store.tableName, Key: this.key(traveller, applicant) }));
  }

  /** Whether `traveller`'s holder allows `applicant`'s holder to list them. */
  async allows(traveller: Document, applicant: Document): Promise<boolean> {
    const key = this.key(traveller, applicant);
    const out = await this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: key, ConsistentRead: true }));
    return out.Item !== undefined;
  }

  private key(traveller: Document, applicant: Document) {
    return keys.consent(traveller.nationalIdType, traveller.nationalIdNumber, applicant.nationalIdType, applicant.nationalIdNumber);
  }
}
