-- The customers service's own schema; other services hold customer ids only.
CREATE SCHEMA IF NOT EXISTS customers;

CREATE SEQUENCE customers.customer_number;

CREATE TABLE customers.customers (
  customer_id text PRIMARY KEY DEFAULT ('c-' || nextval('customers.customer_number')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (length(email) <= 254),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One customer per e-mail address, whatever its case.
CREATE UNIQUE INDEX customers_by_email ON customers.customers (lower(email));
