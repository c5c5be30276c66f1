-- The transactions service's own schema; the account is an id owned by the accounts service (no foreign key).
CREATE SCHEMA IF NOT EXISTS transactions;

CREATE SEQUENCE transactions.transaction_number;

CREATE TABLE transactions.transactions (
  transaction_id text PRIMARY KEY DEFAULT ('t-' || nextval('transactions.transaction_number')),
  account_id text NOT NULL CHECK (account_id ~ '^a-[0-9]{1,12}$'),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
  currency text NOT NULL CHECK (currency IN ('EUR', 'USD', 'GBP')),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 140),
  booked_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX transactions_by_account ON transactions.transactions (account_id, booked_at DESC, transaction_id DESC);
