import type { EventColumn } from '../../src/stream';

/**
 * The archived transaction records' columns (snake_case JSON keys, as the transactions forwarder
 * writes them; `year`/`month`/`day` partitions are added by EventArchive). Ids only: no names,
 * e-mail addresses, documents or locations, so erasing a person (GDPR Art. 17) is erasing their
 * account and profile, after which the ids in the archive no longer point at anyone.
 */
export const TRANSACTION_COLUMNS: EventColumn[] = [
  { name: 'event_type', dataType: 'string', comment: 'transaction.applied' },
  { name: 'transaction_id', dataType: 'string', comment: 'unique per transaction (delivery is at least once: count distinct)' },
  { name: 'kind', dataType: 'string', comment: 'encounter, donation, giveaway or exchange' },
  { name: 'from_id', dataType: 'string', comment: 'the paying or giving party (the civilian of an encounter)' },
  { name: 'to_id', dataType: 'string', comment: 'the receiving party: officer, charity or family, merchant' },
  { name: 'units', dataType: 'int' },
  { name: 'from_points', dataType: 'int', comment: 'change of from_id\'s balance (negative: paid)' },
  { name: 'to_points', dataType: 'int', comment: 'change of to_id\'s balance' },
  { name: 'goods', dataType: 'string', comment: 'what an exchange was for' },
  { name: 'rules_version', dataType: 'int', comment: 'the business rules version the transaction was priced under' },
  { name: 'occurred_at', dataType: 'string', comment: 'ISO-8601 time the transaction was applied' },
  { name: 'count_day', dataType: 'string', comment: 'YYYY-MM-DD (UTC) the transaction counts for' },
];

const THIS_YEAR = 'year = CAST(year(current_date) AS varchar)';

/** The saved Athena queries (each reads the current year's partitions only, each transaction once). */
export const TRANSACTION_QUERIES = [
  {
    name: 'points-per-kind-per-day',
    description: 'Points earned and spent per kind of transaction and day this year',
    sql: `SELECT count_day, kind, count(*) AS transactions,
  sum(greatest(from_points, 0) + greatest(to_points, 0)) AS points_earned,
  sum(least(from_points, 0) + least(to_points, 0)) AS points_spent
FROM (SELECT DISTINCT transaction_id, count_day, kind, from_points, to_points FROM transactions WHERE ${THIS_YEAR})
GROUP BY count_day, kind ORDER BY count_day, kind`,
  },
  {
    name: 'top-merchants',
    description: 'The 20 merchants that took the most points in exchanges this year',
    sql: `SELECT to_id AS merchant_id, count(*) AS exchanges, sum(to_points) AS points
FROM (SELECT DISTINCT transaction_id, to_id, to_points FROM transactions WHERE ${THIS_YEAR} AND kind = 'exchange')
GROUP BY to_id ORDER BY points DESC LIMIT 20`,
  },
  {
    name: 'donations-per-charity',
    description: 'Donations and points received per charity or family this year',
    sql: `SELECT to_id AS recipient_id, count(*) AS donations, sum(to_points) AS points
FROM (SELECT DISTINCT transaction_id, to_id, to_points FROM transactions WHERE ${THIS_YEAR} AND kind = 'donation')
GROUP BY to_id ORDER BY points DESC`,
  },
];

/** The archived `user-created` events' columns: the id and kind only (no name, e-mail or document). */
export const USER_COLUMNS: EventColumn[] = [
  { name: 'event_type', dataType: 'string', comment: 'user-created' },
  { name: 'user_id', dataType: 'string', comment: 'the Cognito sub' },
  { name: 'kind', dataType: 'string', comment: 'civilian, officer, merchant, charity or family' },
  { name: 'occurred_at', dataType: 'string', comment: 'ISO-8601 time the account was opened' },
  { name: 'count_day', dataType: 'string', comment: 'YYYY-MM-DD (UTC)' },
];

/** The saved queries of the users archive. */
export const USER_QUERIES = [
  {
    name: 'sign-ups-per-kind-per-day',
    description: 'Users signed up per kind and day this year',
    sql: `SELECT count_day, kind, count(DISTINCT user_id) AS users FROM users WHERE ${THIS_YEAR}
GROUP BY count_day, kind ORDER BY count_day, kind`,
  },
];
