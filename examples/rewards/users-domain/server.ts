import * as http from 'http';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { Signer } from '@aws-sdk/rds-signer';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Pool, type PoolConfig } from 'pg';
import { applyRecords, donationsTo, goodsSold, officersMet, profile, type StreamRecord } from './users-domain';

/**
 * The users domain as a long-running service: it reads both streams (every shard, from the
 * oldest record kept: applying is idempotent, so a restart replays and changes nothing) into
 * PostgreSQL, and answers the four questions over HTTP. Deployed it is the RewardsUsers stack's
 * container; locally and in the tests it is this file in a plain process.
 *
 * Environment: PORT (8080); PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (pg's own variables),
 * PGSSL=require for TLS, PGAUTH=iam to log in with an IAM authentication token (RDS Proxy) instead of PGPASSWORD; REWARDS_USERS_STREAM and REWARDS_TRANSACTIONS_STREAM (stream names; a
 * stream not named is not read); KINESIS_ENDPOINT (a local Kinesis; default: the AWS endpoint).
 */

const ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const POLL_MS = Number(process.env.POLL_MS ?? 1000);

type Query = (db: import('pg').ClientBase, id: string) => Promise<unknown>;
/** The four questions: path prefix → the id's field name and the query. A profile that does not exist is 404. */
const ROUTES: Record<string, { field: string; query: Query }> = {
  users: { field: 'userId', query: profile },
  civilians: { field: 'civilianId', query: officersMet },
  recipients: { field: 'recipientId', query: donationsTo },
  merchants: { field: 'merchantId', query: goodsSold },
};
const SUFFIX: Record<string, string> = { users: 'profile', civilians: 'officers-met', recipients: 'donations', merchants: 'goods-sold' };

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The HTTP API: GET /health, /users/{id}/profile, /civilians/{id}/officers-met, /recipients/{id}/donations, /merchants/{id}/goods-sold. */
export function usersApi(pool: Pool): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET') return send(res, 405, { error: 'MethodNotAllowed', message: 'only GET' }, { allow: 'GET' });
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      let db;
      try {
        db = await pool.connect();
      } catch {
        return send(res, 503, { error: 'Unavailable', message: 'the database is not reachable' }, { 'retry-after': '5' });
      }
      try {
        if (parts.length === 1 && parts[0] === 'health') {
          await db.query('SELECT 1');
          return send(res, 200, { status: 'ok' });
        }
        const route = ROUTES[parts[0]];
        if (!route || parts.length !== 3 || parts[2] !== SUFFIX[parts[0]]) return send(res, 404, { error: 'NotFound', message: `no route ${url.pathname}` });
        if (!ID.test(parts[1])) return send(res, 400, { error: 'BadRequest', field: route.field, message: `${route.field} must be 1 to 128 of A-Z a-z 0-9 _ . : @ -` });
        const rows = await route.query(db, parts[1]);
        if (rows === undefined) return send(res, 404, { error: 'NotFound', field: route.field, message: `no user ${parts[1]}` });
        return send(res, 200, rows);
      } catch {
        return send(res, 503, { error: 'Unavailable', message: 'the database did not answer' }, { 'retry-after': '5' });
      } finally {
        db.release();
      }
    })().catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'Internal' });
    });
  });
}

/** Parses a stream record; what is not JSON of a known type is logged and skipped (nothing of ours). */
function parse(data: Uint8Array | undefined): StreamRecord | undefined {
  try {
    const r = JSON.parse(Buffer.from(data ?? []).toString('utf8'));
    if (r && (r.event_type === 'user-created' || r.event_type === 'transaction.applied')) return r as StreamRecord;
  } catch { /* logged below */ }
  console.error(JSON.stringify({ level: 'WARN', message: 'skipped a record that is not a users or transactions event' }));
  return undefined;
}

/** Reads every shard of `streamName` from the oldest record kept into the model, until `stopped()`. */
export async function consume(kinesis: KinesisClient, pool: Pool, streamName: string, stopped: () => boolean): Promise<void> {
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  await Promise.all(shards.map(async (shard) => {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator && !stopped()) {
      try {
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 500 }));
        const records = (page.Records ?? []).map((r) => parse(r.Data)).filter((r): r is StreamRecord => r !== undefined);
        if (records.length > 0) {
          const db = await pool.connect();
          try {
            await applyRecords(db, records);
          } finally {
            db.release();
          }
        }
        iterator = page.NextShardIterator; // advanced only once the page is applied
        if ((page.Records ?? []).length === 0) await new Promise((r) => setTimeout(r, POLL_MS));
      } catch (e) {
        console.error(JSON.stringify({ level: 'ERROR', message: 'stream read or apply failed; retrying the same page', stream: streamName, error: String(e) }));
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  }));
}

/**
 * An RDS IAM authentication token for the user (@aws-sdk/rds-signer: a SigV4-presigned `connect`
 * request, valid 15 minutes, signed with the container's task role; no call to AWS).
 */
export async function iamAuthToken(host: string, port: number, user: string, region: string): Promise<string> {
  return new Signer({ hostname: host, port, username: user, region }).getAuthToken();
}

/** Starts the service from the environment; answers its stop function. */
export function main(env: NodeJS.ProcessEnv = process.env): { server: http.Server; stop: () => Promise<void> } {
  const config: PoolConfig = { max: 10, connectionTimeoutMillis: 3000, ssl: env.PGSSL === 'require' ? { rejectUnauthorized: true } : undefined };
  if (env.PGAUTH === 'iam') {
    config.password = () => iamAuthToken(env.PGHOST!, Number(env.PGPORT ?? 5432), env.PGUSER!, env.AWS_REGION!);
  }
  const pool = new Pool(config);
  pool.on('error', () => undefined); // an idle connection dropped: the next checkout reconnects
  const server = usersApi(pool).listen(Number(env.PORT ?? 8080), env.HOST ?? '0.0.0.0');
  let stopping = false;
  // HTTP/1.1: GetRecords needs no HTTP/2 (the SDK's default for Kinesis), which local Kinesis engines do not speak.
  const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler(), ...(env.KINESIS_ENDPOINT ? { endpoint: env.KINESIS_ENDPOINT } : {}) });
  const consumers = [env.REWARDS_USERS_STREAM, env.REWARDS_TRANSACTIONS_STREAM].filter((s): s is string => !!s).map((stream) =>
    consume(kinesis, pool, stream, () => stopping).catch((e) => {
      console.error(JSON.stringify({ level: 'ERROR', message: 'stream consumer stopped', stream, error: String(e) }));
      process.exitCode = 1;
      server.close();
    }));
  const stop = async () => {
    stopping = true;
    await new Promise((r) => server.close(r));
    await Promise.all(consumers);
    await pool.end();
  };
  return { server, stop };
}

if (require.main === module) {
  const { stop } = main();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
}
