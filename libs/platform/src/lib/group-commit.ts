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
}

/**
 * Group commit: an item submitted while `concurrency` flushes are in flight joins the next
 * one, so under load one statement (or one Redis round trip) carries many items, and alone
 * an item is flushed at once, with no timer. A submitter's promise settles with its own
 * result once its flush has: the flush's answer at its index, or the flush's error.
 */
export class GroupCommit<T, R = void> {
  private readonly waiting: Pending<T, R>[] = [];
  private flushing = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.flushing < this.options.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing += 1;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.options.maxBatch);
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

  private async flushAlone(pending: Pending<T, R>): Promise<void> {
    try {
      const [result] = await this.flush([pending.item]);
      pending.resolve(result as R);
    } catch (error) {
      pending.reject(error);
    }
  }
}
