-- The invoices service's own schema; the account is an id owned by the accounts service (no foreign key).
CREATE SCHEMA IF NOT EXISTS invoices;

CREATE SEQUENCE invoices.invoice_number;

CREATE TABLE invoices.invoices (
  invoice_id text PRIMARY KEY DEFAULT ('i-' || nextval('invoices.invoice_number')),
  account_id text NOT NULL CHECK (account_id ~ '^a-[0-9]{1,12}$'),
  issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency IN ('EUR', 'USD', 'GBP')),
  due_date date NOT NULL,
  status text NOT NULL DEFAULT 'DUE' CHECK (status IN ('DUE', 'PAID'))
);

CREATE INDEX invoices_by_account ON invoices.invoices (account_id, due_date DESC, invoice_id DESC);
