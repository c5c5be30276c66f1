import { healthHandler } from './http/route';
import { pingCards } from '../storage/cards-store';
import { database } from '../storage/database';

/** `GET /health/cards` (cardsHealth): the cards schema answers, or 503. */
export const handler = healthHandler('cards', () => pingCards(database()));
