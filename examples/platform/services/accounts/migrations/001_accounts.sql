-- The accounts service's own schema. A customer is an id owned by the customers service: no
-- foreign key crosses services (each deploys and migrates alone).
CREATE SCHEMA IF NOT EXISTS accounts;

CREATE SEQUENCE accounts.account_number;

CREATE TABLE accounts.accounts (
  account_id text PRIMARY KEY DEFAULT ('a-' || nextval('accounts.account_number')),
  customer_id text NOT NULL CHECK (customer_id ~ '^c-[0-9]{1,12}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  currency text NOT NULL CHECK (currency IN ('EUR', 'USD', 'GBP')),
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  available_minor bigint NOT NULL DEFAULT 0,
  booked_minor bigint NOT NULL DEFAULT 0,
  balance_as_of timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX accounts_by_customer ON accounts.accounts (customer_id, opened_at, account_id);
