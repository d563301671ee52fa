import { connect, createServer, type Socket } from 'node:net';

export interface TcpFaultProxy {
  /** `host:port` to give the process under test instead of the real service. */
  readonly address: string;
  /** Drops every open connection and refuses new ones until `restore` (a partition, a restart). */
  cut(): void;
  restore(): void;
  /** Holds every byte in both directions with connections kept open (a paused or failing-over server). */
  stall(): void;
  /** Delivers what was held, in order, and passes bytes through again. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * A TCP pass-through the test controls: the process under test talks to it as if it were
 * the service, and the test takes the service away or makes it go silent mid-run without
 * touching the real one, which other test files share (Redis's `CLIENT PAUSE` would pause
 * every client of the shared server).
 */
export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  const open = new Set<Socket>();
  let isCut = false;
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
    if (isCut) {
      client.destroy();
      return;
    }
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
    cut: () => {
      isCut = true;
      for (const socket of open) socket.destroy();
    },
    restore: () => {
      isCut = false;
    },
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
