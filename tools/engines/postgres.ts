import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canConnect, freePort } from './_process';
import { LocalEngine, StartedEngine } from './index';

/** The newest PostgreSQL server binaries of Debian's `postgresql` package, or the ones on PATH. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length > 0) return path.join(root, versions[versions.length - 1], 'bin');
  try {
    return path.dirname(execFileSync('which', ['pg_ctl'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error("postgres: no PostgreSQL server found (Debian package 'postgresql', installed by tools/setup.sh)");
  }
}

/**
 * initdb and pg_ctl refuse to run as root: as root they run as the `postgres` user (which the
 * Debian package creates) through runuser, on a data directory that user owns.
 */
function runAs(): { wrap: (cmd: string, args: string[]) => [string, string[]]; owner?: { uid: number; gid: number } } {
  if (process.getuid?.() !== 0) return { wrap: (cmd, args) => [cmd, args] };
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]], owner: { uid, gid } };
}

/**
 * PostgreSQL (Debian's `postgresql` package) in a temporary data directory, listening on
 * 127.0.0.1 only, on a free port, with a superuser `rampart` and a random password (SCRAM).
 * Durability settings are off (fsync, synchronous commit): the data lives for one test run.
 * Publishes POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DATABASE
 * and POSTGRES_URL.
 */
export const engine: LocalEngine = {
  name: 'postgres',
  async start(): Promise<StartedEngine> {
    const bin = binDir();
    const { wrap, owner } = runAs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-postgres-'));
    const data = path.join(dir, 'data');
    const passwordFile = path.join(dir, 'password');
    const logFile = path.join(dir, 'postgres.log');
    const password = randomBytes(24).toString('hex');
    fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    fs.chmodSync(dir, 0o700);
    if (owner) {
      for (const f of [dir, passwordFile]) fs.chownSync(f, owner.uid, owner.gid);
    }
    const run = (cmd: string, args: string[]) => {
      const [c, a] = wrap(path.join(bin, cmd), args);
      return execFileSync(c, a, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    };
    try {
      run('initdb', ['-D', data, '-U', 'rampart', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--no-sync', '--no-instructions']);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres: initdb failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
    }
    const port = await freePort();
    const options = [`-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, '-c fsync=off -c synchronous_commit=off -c full_page_writes=off'].join(' ');
    try {
      run('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
    } catch (e) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres: pg_ctl start failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}\n${log}`);
    }
    if (!(await canConnect(port))) throw new Error(`postgres: started but 127.0.0.1:${port} does not answer`);
    return {
      name: 'postgres',
      env: {
        POSTGRES_HOST: '127.0.0.1',
        POSTGRES_PORT: String(port),
        POSTGRES_USER: 'rampart',
        POSTGRES_PASSWORD: password,
        POSTGRES_DATABASE: 'postgres',
        POSTGRES_URL: `postgres://rampart:${password}@127.0.0.1:${port}/postgres`,
      },
      async stop() {
        try {
          run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  },
};

/** Connection settings of the running PostgreSQL; fails clearly when it was not started. */
export function postgresConnection(database?: string): { host: string; port: number; user: string; password: string; database: string } {
  const { POSTGRES_HOST: host, POSTGRES_PORT: port, POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DATABASE: db } = process.env;
  if (!host || !port || !user || !password || !db) {
    throw new Error('POSTGRES_HOST is not set: run the tests with RAMPART_ENGINES including postgres');
  }
  return { host, port: Number(port), user, password, database: database ?? db };
}
