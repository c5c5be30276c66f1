import { platformApi } from './http/route';
import { blockCard, CardParams } from '../domain/cards';
import { cardsStore } from '../storage/cards-store';
import { database } from '../storage/database';

/** `POST /cards/{cardId}/block` (blockCard): blocking twice is the same as once. */
export const handler = platformApi({
  params: CardParams,
  handle: ({ params }) => blockCard(cardsStore(database()), params.cardId),
});
