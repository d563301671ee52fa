import { connect, createServer, type Socket } from 'node:net';

export interface TcpStallProxy {
  /** `redis://127.0.0.1:PORT`-style address part: `127.0.0.1:PORT`. */
  readonly address: string;
  /** Holds every byte in both directions (connections stay open), as a paused or failing-over server would. */
  stall(): void;
  /** Delivers what was held, in order, and passes bytes through again. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * A TCP pass-through the test can stall: the process under test keeps its connections and
 * simply hears nothing, so its own command timeouts trip (Redis's `CLIENT PAUSE` would
 * pause every client of the shared server, not just the one under test).
 */
export async function startTcpStallProxy(target: { host: string; port: number }): Promise<TcpStallProxy> {
  const open = new Set<Socket>();
  let held: Array<() => void> | null = null;
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      const write = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (held) held.push(write);
      else write();
    });
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    forward(client, upstream);
    forward(upstream, client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    stall: () => {
      held ??= [];
    },
    resume: () => {
      const writes = held ?? [];
      held = null;
      for (const write of writes) write();
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
