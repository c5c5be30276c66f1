import * as fs from 'fs';
import * as net from 'net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Redis, RedisOptions } from 'ioredis';

/** Where the cache is and how to authenticate: what `RedisCache.clientEnvironment()` publishes. */
export interface RedisConnectionConfig {
  readonly host: string;
  readonly port: number;
  /** Connect with TLS. ElastiCache caches built by `RedisCache` require it. */
  readonly tls: boolean;
  /** The password (AUTH token) itself; local runs and tests. */
  readonly password?: string;
  /** A Secrets Manager secret holding `{"token": "..."}`; read once per container. */
  readonly secretArn?: string;
  /** PEM CA bundle to trust for TLS (a file path); the system store when absent. */
  readonly tlsCaFile?: string;
  /** The TLS server name to verify; defaults to `host`. */
  readonly tlsServerName?: string;
}

/** The JSON key of the AUTH token in the secret (`RedisCache.AUTH_TOKEN_KEY`). */
export const AUTH_TOKEN_KEY = 'token';

export class RedisConfigError extends Error {}

/**
 * Reads the connection from the environment: REDIS_HOST, REDIS_PORT (default 6380), REDIS_TLS
 * (`true` unless `false`), and REDIS_SECRET_ARN or REDIS_PASSWORD, optionally REDIS_TLS_CA.
 */
export function redisConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RedisConnectionConfig {
  const host = env.REDIS_HOST;
  const port = Number(env.REDIS_PORT ?? 6380);
  const problems: string[] = [];
  if (!host) problems.push('REDIS_HOST is not set');
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`REDIS_PORT '${env.REDIS_PORT}' is not a port`);
  if (env.REDIS_TLS !== undefined && !['true', 'false'].includes(env.REDIS_TLS)) problems.push(`REDIS_TLS '${env.REDIS_TLS}' must be 'true' or 'false'`);
  if (!env.REDIS_SECRET_ARN && !env.REDIS_PASSWORD) problems.push('neither REDIS_SECRET_ARN nor REDIS_PASSWORD is set');
  if (problems.length > 0) throw new RedisConfigError(`Redis configuration: ${problems.join('; ')}`);
  return {
    host: host!,
    port,
    tls: env.REDIS_TLS !== 'false',
    password: env.REDIS_PASSWORD,
    secretArn: env.REDIS_SECRET_ARN,
    tlsCaFile: env.REDIS_TLS_CA,
  };
}

const tokens = new Map<string, Promise<string>>();

/** The AUTH token from the secret, fetched once per container and secret. */
export function authTokenFromSecret(secretArn: string, client: SecretsManagerClient = new SecretsManagerClient({})): Promise<string> {
  let token = tokens.get(secretArn);
  if (!token) {
    token = client.send(new GetSecretValueCommand({ SecretId: secretArn })).then((out) => {
      const value = out.SecretString ? JSON.parse(out.SecretString)[AUTH_TOKEN_KEY] : undefined;
      if (typeof value !== 'string' || value.length === 0) {
        throw new RedisConfigError(`secret ${secretArn} has no string '${AUTH_TOKEN_KEY}'`);
      }
      return value;
    });
    token.catch(() => tokens.delete(secretArn));
    tokens.set(secretArn, token);
  }
  return token;
}

/** Forget cached tokens (after a rotation, or between tests). */
export function clearAuthTokenCache(): void {
  tokens.clear();
}

/** The ioredis options for a connection config and its resolved password. */
export function redisOptions(config: RedisConnectionConfig, password: string | undefined): RedisOptions {
  return {
    host: config.host,
    port: config.port,
    password,
    tls: config.tls
      ? {
        // SNI takes host names only (RFC 6066); the certificate is still checked against an IP host.
        servername: config.tlsServerName ?? (net.isIP(config.host) ? undefined : config.host),
        ca: config.tlsCaFile ? fs.readFileSync(config.tlsCaFile) : undefined,
        minVersion: 'TLSv1.2',
      }
      : undefined,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    lazyConnect: true,
  };
}

/**
 * Creates a connected ioredis client: the password from `config.password` or the secret, TLS when
 * the config says so. Create it once per container, outside the handler.
 */
export async function createRedisClient(
  config: RedisConnectionConfig = redisConfigFromEnv(),
  secrets?: SecretsManagerClient,
): Promise<Redis> {
  const password = config.password ?? (config.secretArn ? await authTokenFromSecret(config.secretArn, secrets) : undefined);
  const client = new Redis(redisOptions(config, password));
  // ioredis reports the cause (WRONGPASS, a certificate error) as an 'error' event and rejects
  // connect() with a bare "Connection is closed": surface the cause.
  let cause: Error | undefined;
  const remember = (e: Error) => { cause ??= e; };
  client.on('error', remember);
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw cause ?? e;
  } finally {
    client.off('error', remember);
  }
  return client;
}
