interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Items in one flush at most. */
  maxBatch: number;
  /** Flushes in flight at once: one fills while another commits. */
  concurrency: number;
  /**
   * When a flush of several items fails, flush each of them again alone, so one bad item (a row
   * a constraint refuses) fails only its own submitter. Off: the flush's error fails them all.
   */
  isolateFailures?: boolean;
  /**
   * Paces the flushes: one that would not be full waits until lingerMs after the previous flush
   * began, so a steady stream forms batches of about its rate times lingerMs. A lone item after a
   * quiet moment is still flushed at once, and a full batch never waits. Meant with concurrency 1.
   */
  lingerMs?: number;
}

/**
 * Group commit: an item submitted while `concurrency` flushes are in flight joins the next
 * one, so under load one statement (or one Redis round trip) carries many items, and alone
 * an item is flushed at once (with no timer unless lingerMs paces the flushes). A submitter's promise settles with its own
 * result once its flush has: the flush's answer at its index, or the flush's error.
 */
export class GroupCommit<T, R = void> {
  private readonly waiting: Pending<T, R>[] = [];
  private flushing = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Ends a lingering flush's wait early (a batch filled up meanwhile). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.options.maxBatch) this.wake?.();
      if (this.flushing < this.options.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing += 1;
    try {
      while (this.waiting.length > 0) {
        const wait = this.lingerLeft();
        if (wait > 0) await this.linger(wait);
        const batch = this.waiting.splice(0, this.options.maxBatch);
        if (batch.length === 0) continue;
        this.lastFlushAt = Date.now();
        try {
          const results = await this.flush(batch.map((pending) => pending.item));
          batch.forEach((pending, index) => pending.resolve(results[index] as R));
        } catch (error) {
          if (this.options.isolateFailures && batch.length > 1) {
            for (const pending of batch) await this.flushAlone(pending);
          } else {
            for (const pending of batch) pending.reject(error);
          }
        }
      }
    } finally {
      this.flushing -= 1;
    }
  }

  /** Milliseconds the next flush still waits for more items: 0 without lingerMs, after a quiet moment or with a full batch. */
  private lingerLeft(): number {
    if (this.waiting.length >= this.options.maxBatch) return 0;
    return this.lastFlushAt + (this.options.lingerMs ?? 0) - Date.now();
  }

  private linger(wait: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.wake = done;
    });
  }

  private async flushAlone(pending: Pending<T, R>): Promise<void> {
    try {
      const [result] = await this.flush([pending.item]);
      pending.resolve(result as R);
    } catch (error) {
      pending.reject(error);
    }
  }
}
