import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canConnect, freePort, spawnEngine } from './_process';
import { LocalEngine, StartedEngine } from './index';

/**
 * A certificate authority and a server certificate for 127.0.0.1/localhost, so that the TLS port
 * is tested for real (ElastiCache requires TLS).
 */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=rampart-test-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.crt'), '-days', '2', '-extfile', f('server.ext'));
  return { ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key') };
}

/**
 * redis-server on 127.0.0.1 with a password (`requirepass`), no persistence, a plain port and a TLS
 * port. Publishes REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TLS_PORT, REDIS_TLS_CA.
 */
export const engine: LocalEngine = {
  name: 'redis',
  async start(): Promise<StartedEngine> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-redis-'));
    const certs = makeCertificates(dir);
    const port = await freePort();
    const tlsPort = await freePort();
    const password = randomBytes(24).toString('hex');
    const spawned = await spawnEngine({
      name: 'redis-server',
      command: 'redis-server',
      args: [
        '--bind', '127.0.0.1',
        '--port', String(port),
        '--tls-port', String(tlsPort),
        '--tls-cert-file', certs.cert,
        '--tls-key-file', certs.key,
        '--tls-ca-cert-file', certs.ca,
        '--tls-auth-clients', 'no',
        '--requirepass', password,
        '--save', '',
        '--appendonly', 'no',
        '--daemonize', 'no',
        '--dir', dir,
      ],
      ready: async () => (await canConnect(port)) && canConnect(tlsPort),
    });
    return {
      name: 'redis',
      env: {
        REDIS_URL: `redis://:${password}@127.0.0.1:${port}`,
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(port),
        REDIS_PASSWORD: password,
        REDIS_TLS_PORT: String(tlsPort),
        REDIS_TLS_CA: certs.ca,
      },
      async stop() {
        await spawned.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
