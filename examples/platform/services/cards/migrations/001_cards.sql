-- The cards service's own schema; the account is an id owned by the accounts service (no foreign key).
CREATE SCHEMA IF NOT EXISTS cards;

CREATE SEQUENCE cards.card_number;

CREATE TABLE cards.cards (
  card_id text PRIMARY KEY DEFAULT ('k-' || nextval('cards.card_number')),
  account_id text NOT NULL CHECK (account_id ~ '^a-[0-9]{1,12}$'),
  brand text NOT NULL CHECK (brand IN ('VISA', 'MASTERCARD')),
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  expires text NOT NULL CHECK (expires ~ '^[0-9]{4}-[0-9]{2}$'),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'BLOCKED')),
  issued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX cards_by_account ON cards.cards (account_id, issued_at, card_id);
