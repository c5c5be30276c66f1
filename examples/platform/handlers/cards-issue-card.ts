import { randomInt } from 'crypto';
import { platformApi } from './http/route';
import { type Card, issueCard, NewCard } from '../domain/cards';
import { cardsStore } from '../storage/cards-store';
import { database } from '../storage/database';

/** `POST /cards` (issueCard): ACTIVE, valid three years. */
export const handler = platformApi({
  body: NewCard,
  status: 201,
  location: (c: Card) => `/cards/${c.cardId}`,
  handle: ({ body }) => issueCard(cardsStore(database()), body, new Date(), () => String(randomInt(0, 10_000)).padStart(4, '0')),
});
