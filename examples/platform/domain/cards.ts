import * as z from 'zod';
import { NotFound } from './errors';

export const NewCard = z.strictObject({ accountId: z.string().regex(/^a-[0-9]{1,12}$/), brand: z.enum(['VISA', 'MASTERCARD']) });
export type NewCard = z.infer<typeof NewCard>;
export const CardParams = z.object({ cardId: z.string().regex(/^k-[0-9]{1,12}$/) });

export interface Card {
  readonly cardId: string;
  readonly accountId: string;
  readonly last4: string;
  readonly brand: NewCard['brand'];
  readonly status: 'ACTIVE' | 'BLOCKED';
  readonly expires: string;
}

export interface CardsStore {
  insert(card: NewCard & { readonly last4: string; readonly expires: string }): Promise<Card>;
  listByAccount(accountId: string): Promise<Card[]>;
  /** Blocks the card (again, when it is blocked); undefined when there is no such card. */
  block(cardId: string): Promise<Card | undefined>;
}

/** How long a new card is valid. */
export const CARD_VALIDITY_YEARS = 3;

/** Issues a card: ACTIVE, valid CARD_VALIDITY_YEARS from `now`, its last four digits from `digits`. */
export async function issueCard(store: CardsStore, card: NewCard, now: Date, digits: () => string): Promise<Card> {
  const expires = `${now.getUTCFullYear() + CARD_VALIDITY_YEARS}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return store.insert({ ...card, last4: digits(), expires });
}

export async function listAccountCards(store: CardsStore, accountId: string): Promise<{ items: Card[] }> {
  return { items: await store.listByAccount(accountId) };
}

/** Blocks a card; blocking twice is the same as once. */
export async function blockCard(store: CardsStore, cardId: string): Promise<Card> {
  const card = await store.block(cardId);
  if (!card) throw new NotFound('card', cardId);
  return card;
}
