-- The users domain's relational model, fed by the users and transactions streams. Ids only, as
-- the streams carry them (erasing a person is deleting their account; the ids then point at no one).

-- Utility table: the kinds of user.
CREATE TABLE user_kinds (
  kind text PRIMARY KEY,
  description text NOT NULL
);
INSERT INTO user_kinds (kind, description) VALUES
  ('civilian', 'earns points in encounters, spends them at merchants, donates'),
  ('officer', 'records encounters, gives points to officers, donates'),
  ('merchant', 'takes points for goods'),
  ('charity', 'receives donations'),
  ('family', 'a family in need: receives donations');

CREATE TABLE users (
  user_id text PRIMARY KEY,
  kind text NOT NULL REFERENCES user_kinds (kind),
  created_at timestamptz NOT NULL
);

-- Utility table: the kinds of transaction.
CREATE TABLE transaction_kinds (
  kind text PRIMARY KEY
);
INSERT INTO transaction_kinds (kind) VALUES ('encounter'), ('donation'), ('giveaway'), ('exchange');

-- One row per applied transaction: a record delivered again (at least once) is the same row.
CREATE TABLE transactions (
  transaction_id text PRIMARY KEY,
  kind text NOT NULL REFERENCES transaction_kinds (kind),
  from_id text NOT NULL,
  to_id text NOT NULL,
  units integer NOT NULL CHECK (units > 0),
  from_points integer NOT NULL,
  to_points integer NOT NULL,
  goods text,
  rules_version integer NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX transactions_from ON transactions (from_id, kind);
CREATE INDEX transactions_to ON transactions (to_id, kind);
