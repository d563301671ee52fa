import type { MessageStatusChange } from './message-status-change';

interface Waiter {
  resolve(result: IteratorResult<MessageStatusChange>): void;
  reject(error: unknown): void;
}

export interface StatusWatcherHooks {
  /** A live change was dropped because the consumer fell behind. */
  dropped(): void;
  /** The watcher is done (returned, ended or failed): its channel may be left. */
  released(watcher: StatusWatcher): void;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

const keyOf = (change: MessageStatusChange) => `${change.status}\u0000${change.at}`;

/**
 * One watcher of a tenant environment's channel, as an async iterator (what graphql-ws
 * consumes). Live changes that arrive before `start`'s replay is in wait behind it; a live
 * change that the replay already held (same status and at) is dropped.
 *
 * The buffer is bounded: a consumer that falls `capacity` changes behind loses the oldest
 * ones (counted through `dropped`) rather than growing memory without limit or holding up
 * the one Redis connection every watcher of the process shares. The stored timeline stays
 * the source of truth for what it missed.
 */
export class StatusWatcher implements AsyncIterableIterator<MessageStatusChange> {
  private readonly buffer: MessageStatusChange[] = [];
  private readonly waiters: Waiter[] = [];
  /** Keys of the replayed timeline; undefined until the replay is in (live changes wait until then). */
  private replayed: ReadonlySet<string> | undefined;
  private failure: { error: unknown } | undefined;
  private finished = false;

  constructor(
    private readonly messageId: string | undefined,
    private readonly capacity: number,
    private readonly hooks: StatusWatcherHooks,
  ) {}

  /** What to deliver before any live change: the stored timeline, once the subscription is in place. */
  start(replay: Promise<readonly MessageStatusChange[]>): void {
    replay.then(
      (changes) => {
        if (this.finished) return;
        const seen = new Set(changes.map(keyOf));
        const live = this.buffer.splice(0).filter((change) => !seen.has(keyOf(change)));
        this.buffer.push(...changes, ...live);
        this.replayed = seen;
        this.flush();
      },
      (error: unknown) => this.fail(error),
    );
  }

  offer(change: MessageStatusChange): void {
    if (this.finished || (this.messageId !== undefined && change.messageId !== this.messageId)) return;
    if (this.replayed?.has(keyOf(change))) return;
    if (this.buffer.length >= this.capacity) {
      this.buffer.shift();
      this.hooks.dropped();
    }
    this.buffer.push(change);
    this.flush();
  }

  /** The next next() rejects with `error` (the subscription is lost); the watcher is released. */
  fail(error: unknown): void {
    if (this.finished) return;
    const [first, ...others] = this.waiters.splice(0);
    if (first) first.reject(error);
    else this.failure = { error };
    for (const waiter of others) waiter.resolve(DONE);
    this.finish();
  }

  /** Ends the iteration (unsubscribe, disconnect or shutdown); the watcher is released. */
  end(): void {
    if (this.finished) return;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
    this.finish();
  }

  next(): Promise<IteratorResult<MessageStatusChange>> {
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    const change = this.replayed ? this.buffer.shift() : undefined;
    if (change) return Promise.resolve({ value: change, done: false });
    if (this.finished) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** graphql-ws calls it when the client unsubscribes or goes away. */
  return(): Promise<IteratorResult<MessageStatusChange>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private flush(): void {
    while (this.replayed && this.waiters.length > 0 && this.buffer.length > 0) {
      const change = this.buffer.shift() as MessageStatusChange;
      this.waiters.shift()?.resolve({ value: change, done: false });
    }
  }

  private finish(): void {
    this.finished = true;
    this.buffer.length = 0;
    this.hooks.released(this);
  }
}
