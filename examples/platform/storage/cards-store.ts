import type { Pool } from 'pg';
import type { Card, CardsStore } from '../domain/cards';

const COLUMNS = 'card_id, account_id, last4, brand, status, expires';
const card = (r: any): Card => ({ cardId: r.card_id, accountId: r.account_id, last4: r.last4, brand: r.brand, status: r.status, expires: r.expires });

/** The cards service's store: its own schema `cards` in PostgreSQL. */
export function cardsStore(db: Pool): CardsStore {
  return {
    async insert(c) {
      const { rows } = await db.query(
        `INSERT INTO cards.cards (account_id, brand, last4, expires) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [c.accountId, c.brand, c.last4, c.expires]);
      return card(rows[0]);
    },
    async listByAccount(accountId) {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM cards.cards WHERE account_id = $1 ORDER BY issued_at, card_id LIMIT 100`, [accountId]);
      return rows.map(card);
    },
    async block(cardId) {
      const { rows } = await db.query(`UPDATE cards.cards SET status = 'BLOCKED' WHERE card_id = $1 RETURNING ${COLUMNS}`, [cardId]);
      return rows[0] ? card(rows[0]) : undefined;
    },
  };
}

export async function pingCards(db: Pool): Promise<void> {
  await db.query('SELECT 1 FROM cards.cards LIMIT 1');
}
