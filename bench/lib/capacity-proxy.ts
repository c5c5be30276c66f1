/**
 * A counting HTTP proxy in front of DynamoDB Local: every write (PutItem, UpdateItem, DeleteItem,
 * BatchWriteItem, TransactWriteItems) is forwarded with `ReturnConsumedCapacity: TOTAL` and the
 * write units DynamoDB Local reports are added up by what was written (the key prefix of the item,
 * or the idempotency table), so the launch day measures write units per request instead of
 * estimating them. Everything else passes through untouched.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface WriteTally { calls: number; units: number }

export interface CountingProxy {
  readonly endpoint: string;
  /** Write units (and calls) by category since the last reset. */
  readonly tally: Map<string, WriteTally>;
  reset(): void;
  stop(): Promise<void>;
}

/** The category of a write: the idempotency table, else the prefix of its first item's `pk`. */
function categoryOf(op: string, body: any, idempotencyTable: () => string | undefined): string {
  const first = op === 'TransactWriteItems' ? Object.values(body.TransactItems?.[0] ?? {})[0] as any
    : op === 'BatchWriteItem' ? { TableName: Object.keys(body.RequestItems ?? {})[0], Item: (Object.values(body.RequestItems ?? {})[0] as any)?.[0]?.PutRequest?.Item }
      : body;
  if (first?.TableName && first.TableName === idempotencyTable()) return 'idempotency records';
  const pk: string = first?.Item?.pk?.S ?? first?.Key?.pk?.S ?? '';
  const prefix = pk.split('#')[0] || '(other)';
  return `${op === 'TransactWriteItems' ? 'transaction' : op} ${prefix}#`;
}

export async function startCountingProxy(upstream: string, idempotencyTable: () => string | undefined): Promise<CountingProxy> {
  const target = new URL(upstream);
  const tally = new Map<string, WriteTally>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let payload = Buffer.concat(chunks);
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let category: string | undefined;
      if (WRITES.has(op)) {
        try {
          const body = JSON.parse(payload.toString('utf-8'));
          category = categoryOf(op, body, idempotencyTable);
          body.ReturnConsumedCapacity = 'TOTAL';
          payload = Buffer.from(JSON.stringify(body));
        } catch {
          category = undefined;
        }
      }
      const headers = { ...req.headers, 'host': target.host, 'content-length': String(payload.length) };
      const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
        const back: Buffer[] = [];
        answer.on('data', (c) => back.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(back);
          if (category && answer.statusCode === 200) {
            try {
              const parsed = JSON.parse(text.toString('utf-8'));
              const cc = parsed.ConsumedCapacity;
              const consumed = Array.isArray(cc) ? cc : cc ? [cc] : [];
              const units = consumed.reduce((s: number, c: any) => s + Number(c.CapacityUnits ?? c.WriteCapacityUnits ?? 0), 0);
              const t = tally.get(category) ?? { calls: 0, units: 0 };
              t.calls++;
              t.units += units;
              tally.set(category, t);
            } catch {
              // not JSON: not counted
            }
          }
          const outHeaders = { ...answer.headers };
          delete outHeaders['content-length'];
          delete outHeaders['transfer-encoding'];
          // The body may have grown by ConsumedCapacity: its checksum no longer holds.
          delete outHeaders['x-amz-crc32'];
          res.writeHead(answer.statusCode ?? 502, { ...outHeaders, 'content-length': String(text.length) });
          res.end(text);
        });
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      up.end(payload);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tally,
    reset: () => tally.clear(),
    stop: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
