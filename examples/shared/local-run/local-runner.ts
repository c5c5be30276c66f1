import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, type StreamViewType } from '@aws-sdk/client-dynamodb';
import { answerApi, compilePath, LoadedRoute, LocalHandler } from './api-gateway';
import { LocalIdentity, NO_IDENTITY } from './identity';
import { buildWebInto, serveStatic } from './web';
import { SecureSite } from '../../../src/site';
import type { StartedEngine } from '../../../tools/engines';
import { engine as dynamoDbLocal } from '../../../tools/engines/dynamodb-local';
import { ExampleRoute, REPO_ROOT } from '../stack/routes';

/** A DynamoDB table an example needs; its generated name is given to the handlers in `envName`. */
export interface LocalTable {
  /** Environment variable holding the table name (as the stack sets it for the functions). */
  readonly envName: string;
  /** @default 'pk' */
  readonly partitionKey?: string;
  /** @default - none */
  readonly sortKey?: string;
  /** Global secondary indexes, every key a string, every attribute projected (as the stacks declare them). @default - none */
  readonly globalSecondaryIndexes?: readonly LocalTableIndex[];
  /** The table's stream (its ARN is in `LocalExample.streams`). @default - no stream */
  readonly stream?: StreamViewType;
}

/** A global secondary index of a `LocalTable`. */
export interface LocalTableIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  /** @default - none */
  readonly sortKey?: string;
}

export interface LocalOptions {
  /** The example's folder name under examples/. */
  readonly example: string;
  /** The route table the stack uses. */
  readonly routes: ExampleRoute[];
  /** API stage name: the API answers below `/<stageName>/`, as on API Gateway. @default 'v1' */
  readonly stageName?: string;
  /** Tables to create on DynamoDB Local. @default - none */
  readonly tables?: LocalTable[];
  /** Environment variables of the functions (shared by every route: one process). @default - none */
  readonly environment?: Record<string, string>;
  /** Port of the web and API server; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (its tables are deleted on stop). @default - DynamoDB Local is started when `tables` are given */
  readonly dynamoDbEndpoint?: string;
  /** The API key `apiKeyRequired` routes accept. @default - a random key, printed */
  readonly apiKey?: string;
  /** Who sends a request, for COGNITO / IAM routes. @default - nobody: such routes refuse every request */
  readonly identity?: LocalIdentity;
  /** Extra fields of the runtime config file (`config.json`) the web page reads, next to `apiBaseUrl`. @default - none */
  readonly webConfig?: Record<string, unknown>;
  /** Folder holding the route handlers (`<handlerName>.ts`). @default - examples/<example>/handlers */
  readonly handlersDir?: string;
  /** Folder holding the web pages. @default - examples/<example>/web */
  readonly webDir?: string;
  /** Build and serve the web pages (tests of the API alone skip the build). @default true */
  readonly pages?: boolean;
  /** Print the URLs and the key. @default true */
  readonly log?: boolean;
}

/** A running example. */
export interface LocalExample {
  /** The web page, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  /** The API base, e.g. `http://127.0.0.1:8080/v1`. */
  readonly apiUrl: string;
  /** The key `apiKeyRequired` routes accept (header `x-api-key`). */
  readonly apiKey: string;
  /** The DynamoDB endpoint in use, when tables were asked for. */
  readonly dynamoDbEndpoint?: string;
  /** Created table names by their `envName`. */
  readonly tables: Record<string, string>;
  /** The stream ARNs of the tables that have one, by their `envName`. */
  readonly streams: Record<string, string>;
  /** Process ids of the engines this run started (to check they are gone after `stop`). */
  readonly enginePids: number[];
  /** Stop the server, delete or drop the tables, stop the engines; idempotent. */
  stop(): Promise<void>;
}

const FAKE_AWS_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_DEV: 'true',
};

/**
 * The security headers the deployed site sends (SecureSite's defaults), so a page that breaks the
 * Content-Security-Policy breaks locally too. `upgrade-insecure-requests` is left out: the local
 * server speaks plain HTTP on 127.0.0.1.
 */
export const LOCAL_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': SecureSite.DEFAULT_CONTENT_SECURITY_POLICY.replace(/;\s*upgrade-insecure-requests\s*$/, ''),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** The handler file of each route; fails on a route whose file is missing (before anything starts). */
function handlerFiles(handlersDir: string, routes: ExampleRoute[]): string[] {
  return routes.map((route) => {
    const file = path.join(handlersDir, `${route.handlerName}.ts`);
    if (!fs.existsSync(file)) throw new Error(`Route ${route.method} ${route.path}: handler file ${path.relative(REPO_ROOT, file)} does not exist`);
    return file;
  });
}

/**
 * Loads the handlers. Called once the functions' environment (table names, endpoints,
 * `environment`) is set, as Lambda sets it before it loads a function: a handler that reads its
 * configuration when its module loads sees the same values locally as deployed.
 */
function loadRoutes(files: string[], routes: ExampleRoute[]): LoadedRoute[] {
  return routes.map((route, i) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the route table names the handler files
    const handler = require(files[i]).handler as LocalHandler;
    if (typeof handler !== 'function') throw new Error(`Route ${route.method} ${route.path}: ${path.relative(REPO_ROOT, files[i])} has no exported 'handler' function`);
    return { route, handler, ...compilePath(route.path) };
  });
}

/** API Gateway's payload limit: a larger request body is refused with 413. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** The port is taken: a clear message instead of the listen error's stack trace. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use (another local run?). Stop that process, or choose another port: --port <n> or PORT=<n> (0 picks a free one).`);
    this.name = 'PortInUseError';
  }
}

/** Ids of this process's child processes (Linux /proc; empty elsewhere). */
function childPids(): number[] {
  if (!fs.existsSync('/proc')) return [];
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * The request body, or undefined as soon as it exceeds `MAX_REQUEST_BYTES` (declared or sent): the
 * rest is never held in memory.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) {
        chunks.push(c);
        return;
      }
      chunks.length = 0;
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function jsonAnswer(res: http.ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Starts an example on 127.0.0.1 without AWS: DynamoDB Local (unless an endpoint is given) with
 * the example's tables, the web pages as static files with the site's security headers, the runtime
 * `config.json` the page reads, and the API routes of the stack's route table answered by the real
 * handlers in-process with API Gateway proxy events.
 */
export async function startLocal(options: LocalOptions): Promise<LocalExample> {
  const stageName = options.stageName ?? 'v1';
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');
  const identity = options.identity ?? NO_IDENTITY;
  const log = options.log ?? true;
  const tables = options.tables ?? [];
  const webSrc = options.webDir ?? path.join(REPO_ROOT, 'examples', options.example, 'web');
  const handlersDir = options.handlersDir ?? path.join(REPO_ROOT, 'examples', options.example, 'handlers');

  const cleanups: (() => Promise<void>)[] = [];
  const enginePids: number[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try { await fn(); } catch (e) { console.error('[local] cleanup:', e); }
    }
  };

  for (const [k, v] of Object.entries(FAKE_AWS_ENV)) process.env[k] ??= v;
  // Fail on a bad route table before starting anything.
  const files = handlerFiles(handlersDir, options.routes);

  try {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `rampart-${options.example}-`));
    cleanups.push(async () => fs.rmSync(runDir, { recursive: true, force: true }));
    const webDir = path.join(runDir, 'web');
    const configDir = path.join(runDir, 'runtime');
    fs.mkdirSync(configDir);
    if ((options.pages ?? true) && fs.existsSync(webSrc)) buildWebInto(webSrc, webDir);

    let dynamoDbEndpoint = options.dynamoDbEndpoint;
    const tableNames: Record<string, string> = {};
    const streamArns: Record<string, string> = {};
    if (tables.length > 0) {
      if (!dynamoDbEndpoint) {
        const before = childPids();
        const started: StartedEngine = await dynamoDbLocal.start();
        cleanups.push(() => started.stop());
        dynamoDbEndpoint = started.env.DYNAMODB_ENDPOINT;
        enginePids.push(...childPids().filter((p) => !before.includes(p)));
      }
      process.env.DYNAMODB_ENDPOINT = dynamoDbEndpoint;
      const client = new DynamoDBClient({
        endpoint: dynamoDbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      cleanups.push(async () => client.destroy());
      const suffix = randomBytes(3).toString('hex');
      for (const t of tables) {
        const name = `${options.example}-${t.envName.toLowerCase().replace(/_/g, '-')}-${suffix}`;
        const keys = (partitionKey: string, sortKey?: string) =>
          [{ AttributeName: partitionKey, KeyType: 'HASH' as const }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : [])];
        const indexes = t.globalSecondaryIndexes ?? [];
        const attributes = new Set([t.partitionKey ?? 'pk', ...(t.sortKey ? [t.sortKey] : []), ...indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])]);
        const created = await client.send(new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keys(t.partitionKey ?? 'pk', t.sortKey),
          AttributeDefinitions: [...attributes].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
          GlobalSecondaryIndexes: indexes.length === 0 ? undefined
            : indexes.map((i) => ({ IndexName: i.indexName, KeySchema: keys(i.partitionKey, i.sortKey), Projection: { ProjectionType: 'ALL' as const } })),
          StreamSpecification: t.stream ? { StreamEnabled: true, StreamViewType: t.stream } : undefined,
        }));
        tableNames[t.envName] = name;
        if (t.stream) streamArns[t.envName] = created.TableDescription!.LatestStreamArn!;
        process.env[t.envName] = name;
        // An engine we did not start outlives this run: leave nothing in it.
        if (options.dynamoDbEndpoint) cleanups.push(async () => { await client.send(new DeleteTableCommand({ TableName: name })); });
      }
    }
    for (const [k, v] of Object.entries(options.environment ?? {})) process.env[k] = v;
    const routes = loadRoutes(files, options.routes);

    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port ?? 0) : error));
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    cleanups.push(() => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/`;
    const apiUrl = `http://127.0.0.1:${port}/${stageName}`;
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ apiBaseUrl: `/${stageName}`, ...options.webConfig }, null, 2));

    const settings = { stageName, apiKey, identity, domainName: `127.0.0.1:${port}`, defaultTimeoutMs: 10_000 };
    const stagePrefix = `/${stageName}`;
    server.on('request', (req, res) => {
      void (async () => {
        const parsed = new URL(req.url ?? '/', url);
        const body = await readBody(req);
        if (body === undefined) {
          // As API Gateway: the payload limit is 10 MB. The rest of the upload is not read.
          jsonAnswer(res, 413, { message: `Request Entity Too Large: the body exceeds ${MAX_REQUEST_BYTES} bytes` }, { connection: 'close' });
          if (log) console.log(`[local] ${req.method} ${parsed.pathname} -> 413`);
          return;
        }
        if (parsed.pathname === stagePrefix || parsed.pathname.startsWith(`${stagePrefix}/`)) {
          const answer = await answerApi(routes, {
            method: req.method ?? 'GET',
            path: parsed.pathname.slice(stagePrefix.length) || '/',
            query: parsed.searchParams,
            req,
            body,
          }, settings);
          res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': answer.body.length });
          res.end(answer.body);
          if (log) console.log(`[local] ${req.method} ${parsed.pathname} -> ${answer.statusCode}`);
          return;
        }
        serveStatic(res, req.method ?? 'GET', parsed.pathname, [configDir, webDir], LOCAL_SECURITY_HEADERS);
      })().catch((error) => {
        console.error('[local] request failed', error);
        if (!res.headersSent) jsonAnswer(res, 500, { message: 'Internal server error' });
        else res.end();
      });
    });

    if (log) {
      console.log([
        `${options.example} is running locally`,
        `  Web:  ${url}`,
        `  API:  ${apiUrl}  (${options.routes.map((r) => `${r.method} ${r.path}${r.apiKeyRequired ? ' [x-api-key]' : ''}`).join(', ')})`,
        `  API key (x-api-key): ${apiKey}`,
        ...(dynamoDbEndpoint ? [`  DynamoDB: ${dynamoDbEndpoint}${enginePids.length ? ` (DynamoDB Local, pid ${enginePids.join(', ')})` : ''}`] : []),
        'Press Ctrl-C to stop.',
      ].join('\n'));
    }

    let stopping: Promise<void> | undefined;
    return {
      url,
      apiUrl,
      apiKey,
      dynamoDbEndpoint,
      tables: tableNames,
      streams: streamArns,
      enginePids,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * For an example's `local.ts`: start it, and stop everything on Ctrl-C (SIGINT) or SIGTERM, then
 * exit. A second signal while stopping exits at once.
 */
export async function runLocal(options: LocalOptions): Promise<LocalExample> {
  const running = await startLocal(options);
  stopOnSignals(options.example, running);
  return running;
}

/**
 * Stops `running` on Ctrl-C or SIGTERM, then exits: 0 once everything stopped, 1 if stopping
 * failed; a second signal while stopping exits at once.
 */
export function stopOnSignals(name: string, running: { stop(): Promise<void> }): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    console.log(`\n${signal}: stopping ${name} ...`);
    running.stop().then(() => {
      console.log('Stopped; nothing left running.');
      process.exit(0);
    }, (e) => {
      console.error(e);
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
