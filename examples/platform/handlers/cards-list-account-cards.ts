import { platformApi } from './http/route';
import { AccountParams } from '../domain/accounts';
import { listAccountCards } from '../domain/cards';
import { cardsStore } from '../storage/cards-store';
import { database } from '../storage/database';

/** `GET /accounts/{accountId}/cards` (listAccountCards). */
export const handler = platformApi({
  params: AccountParams,
  handle: ({ params }) => listAccountCards(cardsStore(database()), params.accountId),
});
