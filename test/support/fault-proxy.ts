import * as net from 'net';

/**
 * What the proxy does with traffic:
 * - `pass`: forwards both ways;
 * - `refuse`: resets every new connection at once (and the open ones), as a host with nothing listening;
 * - `blackhole`: accepts connections and requests but forwards nothing and never answers;
 * - `drop-replies`: forwards requests to the engine (so writes happen) but throws its replies away
 *   and never answers, so the client cannot tell whether its write landed.
 */
export type FaultMode = 'pass' | 'refuse' | 'blackhole' | 'drop-replies';

/** Counts of what the proxy did, per mode. */
export interface FaultCounts {
  connections: number;
  refused: number;
  /** Bytes of requests swallowed in `blackhole`. */
  swallowedBytes: number;
  /** Replies thrown away in `drop-replies` (chunks). */
  droppedReplies: number;
}

/**
 * A TCP proxy on 127.0.0.1 between the handlers and a local engine (DynamoDB Local), for fault
 * injection: point the handlers at `endpoint` and switch `mode` while they work. Each connection
 * takes the mode in force when its bytes flow, so a switch affects connections already open
 * (kept-alive SDK sockets) too.
 */
export class FaultProxy {
  /** Listen on a free port of 127.0.0.1, forwarding to `target` (`http://127.0.0.1:<port>`). */
  public static async start(target: string): Promise<FaultProxy> {
    const url = new URL(target);
    const proxy = new FaultProxy(url.hostname, Number(url.port));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  public mode: FaultMode = 'pass';
  public readonly counts: FaultCounts = { connections: 0, refused: 0, swallowedBytes: 0, droppedReplies: 0 };
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly host: string, private readonly port: number) {
    this.server = net.createServer((client) => this.accept(client));
  }

  /** `http://127.0.0.1:<port>` of the proxy. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Switch the mode; `refuse` also resets the connections already open. */
  public set(mode: FaultMode): void {
    this.mode = mode;
    if (mode === 'refuse') for (const s of this.sockets) s.resetAndDestroy();
  }

  /** Close every connection (so a client's kept-alive sockets, stuck in a blackhole, are gone) and stop. */
  public async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.counts.connections++;
    if (this.mode === 'refuse') {
      this.counts.refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.port, this.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => {
      if (this.mode === 'refuse') { client.resetAndDestroy(); return; }
      if (this.mode === 'blackhole') { this.counts.swallowedBytes += chunk.length; return; }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.mode === 'refuse') { client.resetAndDestroy(); return; }
      if (this.mode === 'blackhole') return;
      if (this.mode === 'drop-replies') { this.counts.droppedReplies++; return; }
      client.write(chunk);
    });
  }
}
