import type { EventColumn } from '../../src/stream';

/**
 * The archived pass events' columns (snake_case JSON keys; `year`/`month`/`day` partitions are
 * added by EventArchive). No personal data: no names, document numbers or addresses.
 */
export const ARCHIVE_COLUMNS: EventColumn[] = [
  { name: 'event_id', dataType: 'string', comment: 'DynamoDB stream event id (unique per change; count distinct: delivery is at least once)' },
  { name: 'event_type', dataType: 'string', comment: 'pass.applied, pass.approved, pass.rejected, pass.needs-review, pass.revoked, pass.checked' },
  { name: 'occurred_at', dataType: 'string', comment: 'ISO-8601 time of the change' },
  { name: 'count_day', dataType: 'string', comment: 'YYYY-MM-DD the event counts for: application day (passes), check day (checks)' },
  { name: 'pass_id', dataType: 'string' },
  { name: 'status', dataType: 'string' },
  { name: 'previous_status', dataType: 'string' },
  { name: 'reason', dataType: 'string' },
  { name: 'from_district', dataType: 'string' },
  { name: 'to_district', dataType: 'string' },
  { name: 'start_time', dataType: 'string' },
  { name: 'duration_minutes', dataType: 'int' },
  { name: 'decided_by', dataType: 'string', comment: 'rules or reviewer' },
  { name: 'check_result', dataType: 'string' },
  { name: 'checkpoint', dataType: 'string' },
];

const THIS_YEAR = 'year = CAST(year(current_date) AS varchar)';

/** The saved Athena queries (each reads the current year's partitions only). */
export const NAMED_QUERIES = [
  {
    name: 'passes-by-status',
    description: 'Passes applied for this year by their latest status',
    sql: `SELECT status, count(*) AS passes FROM (
  SELECT pass_id, max_by(status, occurred_at) AS status FROM pass_events
  WHERE ${THIS_YEAR} AND event_type <> 'pass.checked' GROUP BY pass_id
) GROUP BY status ORDER BY passes DESC`,
  },
  {
    name: 'passes-by-reason',
    description: 'Applications this year by reason',
    sql: `SELECT reason, count(DISTINCT pass_id) AS passes FROM pass_events
WHERE ${THIS_YEAR} AND event_type = 'pass.applied' GROUP BY reason ORDER BY passes DESC`,
  },
  {
    name: 'passes-by-day',
    description: 'Applications and approvals per day this year',
    sql: `SELECT count_day,
  count(DISTINCT CASE WHEN event_type = 'pass.applied' THEN pass_id END) AS applied,
  count(DISTINCT CASE WHEN event_type = 'pass.approved' THEN pass_id END) AS approved,
  count(DISTINCT CASE WHEN event_type = 'pass.rejected' THEN pass_id END) AS rejected
FROM pass_events WHERE ${THIS_YEAR} GROUP BY count_day ORDER BY count_day`,
  },
  {
    name: 'passes-by-district',
    description: 'Applications this year by district of departure, with approvals',
    sql: `SELECT from_district,
  count(DISTINCT CASE WHEN event_type = 'pass.applied' THEN pass_id END) AS applied,
  count(DISTINCT CASE WHEN event_type = 'pass.approved' THEN pass_id END) AS approved
FROM pass_events WHERE ${THIS_YEAR} GROUP BY from_district ORDER BY applied DESC`,
  },
];
