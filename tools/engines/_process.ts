import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

export interface SpawnedEngine {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Spawns an engine process and waits until `ready()` says yes (polling), or fails with what the
 * process printed when it exits early or takes longer than `timeoutMs`.
 */
export async function spawnEngine(options: {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<SpawnedEngine> {
  const child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => { output = (output + d).slice(-4000); });
  child.stderr?.on('data', (d) => { output = (output + d).slice(-4000); });
  let exited = false;
  let spawnError: Error | undefined;
  child.on('exit', () => { exited = true; });
  child.on('error', (e) => { spawnError = e; exited = true; });

  const stop = () => new Promise<void>((resolve) => {
    if (exited || child.exitCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${options.name} exited before it was ready${spawnError ? `: ${spawnError.message}` : ''}\n${output}`);
    }
    if (await options.ready()) return { child, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${options.name} was not ready after ${options.timeoutMs ?? 30_000} ms\n${output}`);
}
