import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import {
  clearAuthTokenCache, createRedisClient, redisConfigFromEnv, redisOptions, RedisConfigError, RedisConnectionConfig,
} from '../../src/redis';

const host = process.env.REDIS_HOST!;
const port = Number(process.env.REDIS_PORT);
const password = process.env.REDIS_PASSWORD!;
const tlsPort = Number(process.env.REDIS_TLS_PORT);
const tlsCaFile = process.env.REDIS_TLS_CA!;

const plain: RedisConnectionConfig = { host, port, tls: false, password };
const clients: Redis[] = [];
async function connect(config: RedisConnectionConfig, secrets?: SecretsManagerClient): Promise<Redis> {
  const c = await createRedisClient(config, secrets);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  clearAuthTokenCache();
});

describe('createRedisClient against redis-server (requirepass on)', () => {
  test('set with a TTL, get, and the key expires', async () => {
    const redis = await connect(plain);
    await redis.set('ttl:a', 'value', 'PX', 300);
    expect(await redis.get('ttl:a')).toBe('value');
    const ttl = await redis.pttl('ttl:a');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 400));
    expect(await redis.get('ttl:a')).toBeNull();
  });

  test('a wrong password is refused', async () => {
    await expect(createRedisClient({ ...plain, password: 'wrong-password' })).rejects.toThrow(/WRONGPASS|invalid|NOAUTH/i);
  });

  test('no password: the server refuses the connection', async () => {
    await expect(createRedisClient({ host, port, tls: false })).rejects.toThrow(/NOAUTH/);
  });

  test('TLS: connects to the TLS port, verifying the server certificate against the CA', async () => {
    const redis = await connect({ host, port: tlsPort, tls: true, password, tlsCaFile });
    await redis.set('tls:a', '1', 'EX', 10);
    expect(await redis.get('tls:a')).toBe('1');
  });

  test('TLS: an untrusted server certificate is refused (no silent downgrade)', async () => {
    await expect(createRedisClient({ host, port: tlsPort, tls: true, password })).rejects.toThrow(/certificate|self.signed/i);
  });

  test('TLS: without TLS, the TLS port does not answer Redis', async () => {
    const options = redisOptions({ host, port: tlsPort, tls: false, password }, password);
    const c = new Redis({ ...options, connectTimeout: 1000, commandTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    clients.push(c);
    await expect(c.connect().then(() => c.ping())).rejects.toThrow();
  });

  test('the password comes from the Secrets Manager secret ({"token": ...}), fetched once', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:cache' })
      .resolves({ SecretString: JSON.stringify({ token: password }) });
    try {
      const config = { host, port, tls: false, secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:cache' };
      const a = await connect(config, new SecretsManagerClient({ region: 'eu-west-1' }));
      const b = await connect(config, new SecretsManagerClient({ region: 'eu-west-1' }));
      expect(await a.ping()).toBe('PONG');
      expect(await b.ping()).toBe('PONG');
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    } finally {
      sm.restore();
    }
  });

  test('a secret without a token is an error naming the key', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"password":"x"}' });
    try {
      await expect(createRedisClient({ host, port, tls: false, secretArn: 'arn:s' }, new SecretsManagerClient({ region: 'eu-west-1' })))
        .rejects.toThrow(/no string 'token'/);
    } finally {
      sm.restore();
    }
  });
});

describe('redisConfigFromEnv', () => {
  test('reads what RedisCache.clientEnvironment() publishes; TLS on and port 6380 by default', () => {
    expect(redisConfigFromEnv({ REDIS_HOST: 'cache.example', REDIS_SECRET_ARN: 'arn:s' })).toEqual({
      host: 'cache.example', port: 6380, tls: true, password: undefined, secretArn: 'arn:s', tlsCaFile: undefined,
    });
    expect(redisConfigFromEnv({ REDIS_HOST: 'h', REDIS_PORT: '6390', REDIS_TLS: 'false', REDIS_PASSWORD: 'p' }))
      .toMatchObject({ port: 6390, tls: false, password: 'p' });
  });

  test('TLS options select TLS with the host as server name and TLS 1.2+', () => {
    const options = redisOptions({ host: 'master.cache.example', port: 6380, tls: true }, 't');
    expect(options.tls).toMatchObject({ servername: 'master.cache.example', minVersion: 'TLSv1.2' });
    expect(redisOptions({ host: 'h', port: 1, tls: false }, 't').tls).toBeUndefined();
  });

  test('every missing or bad variable is named in one error', () => {
    expect(() => redisConfigFromEnv({ REDIS_PORT: 'x', REDIS_TLS: 'yes' })).toThrow(RedisConfigError);
    expect(() => redisConfigFromEnv({ REDIS_PORT: 'x', REDIS_TLS: 'yes' }))
      .toThrow(/REDIS_HOST is not set; REDIS_PORT 'x' is not a port; REDIS_TLS 'yes' must be 'true' or 'false'; neither REDIS_SECRET_ARN nor REDIS_PASSWORD is set/);
  });
});
