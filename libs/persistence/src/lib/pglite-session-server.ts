import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/** Untyped messages a client may send before (or instead of) its startup message. */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Sync: ends an extended-protocol batch; after an error the backend skips everything up to it. */
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);
/** ReadyForQuery (`Z`, length 5) with transaction status idle (`I`): the session holds nothing open. */
const READY_IDLE = [0x5a, 0, 0, 0, 5, 0x49];

/** One client connection's turn at the single PGlite backend. */
class Session {
  private buffer = Buffer.alloc(0);
  private started = false;
  private readonly pending: Uint8Array[] = [];
  private draining = false;
  private holdsTurn = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly turns: Turns,
    private readonly db: PGlite,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.close());
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      // Before startup a message is `int32 length, int32 code, ...`; after it, `byte type, int32 length, ...`.
      const header = this.started ? 5 : 8;
      if (this.buffer.length < header) break;
      const length = this.started ? 1 + this.buffer.readInt32BE(1) : this.buffer.readInt32BE(0);
      if (this.buffer.length < length) break;
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (!this.started) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.destroy();
          return;
        }
        this.started = true;
      }
      this.pending.push(Uint8Array.from(message));
    }
    void this.drain();
  }

  /**
   * Runs this session's messages in order. The first one takes the turn; the turn is given
   * back only when PGlite answers ReadyForQuery idle, so no other session's message lands
   * inside this one's extended-protocol batch (Parse ... Sync) or transaction.
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0 && !this.closed) {
        if (!this.holdsTurn) {
          await this.turns.take();
          this.holdsTurn = true;
          if (this.closed) break;
        }
        const message = this.pending.shift() as Uint8Array;
        const tail: number[] = [];
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(message, {
            onRawData: (data) => {
              if (data.length === 0) return;
              tail.push(...data.subarray(-READY_IDLE.length));
              tail.splice(0, Math.max(0, tail.length - READY_IDLE.length));
              if (!this.closed) this.socket.write(data);
            },
          }),
        );
        if (READY_IDLE.every((byte, index) => tail[index] === byte)) this.giveBack();
      }
    } catch {
      this.socket.destroy();
    } finally {
      this.draining = false;
    }
  }

  private giveBack(): void {
    if (!this.holdsTurn) return;
    this.holdsTurn = false;
    this.turns.give();
  }

  /** A session gone mid-batch or mid-transaction leaves the backend as it found it. */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    while (this.draining) await new Promise((resolve) => setImmediate(resolve));
    if (!this.holdsTurn) return;
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.giveBack();
    }
  }
}

/** Whose turn it is at the backend: first come, first served. */
class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  take(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/**
 * Serves one PGlite over the Postgres wire protocol to any number of connections. PGlite has a
 * single backend session, so connections take turns at whole units of work: a simple query,
 * an extended-protocol batch up to its Sync, or a transaction up to its end. (Interleaving single
 * messages, as pglite-socket's multiplexer does, lets one connection's Bind meet another's Parse.)
 * A connection that holds a transaction open while it waits on another connection waits forever,
 * as it would on a one-connection Postgres.
 */
export class PGliteSessionServer {
  private readonly turns = new Turns();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly db: PGlite) {}

  listen(port: number, host: string): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      new Session(socket, this.turns, this.db);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
