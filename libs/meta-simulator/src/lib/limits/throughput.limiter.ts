/** Sends of one number in the current window, grouped by millisecond. */
interface Window {
  times: number[];
  counts: number[];
  head: number;
  total: number;
}

/**
 * Per-number throughput (Meta: 80 messages per second by default, 130429 when
 * exceeded). Modelled as an exact sliding one-second window: a send is allowed
 * when fewer than `mps` sends happened in the last 1,000 ms. Sends are grouped
 * per millisecond, so memory stays at most 1,000 entries per number even when a
 * benchmark raises `mps` to a million, and each check is amortised O(1).
 */
export class ThroughputLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs = 1000) {}

  /** Records the send and returns true, or returns false when over the limit. */
  tryAcquire(key: string, mps: number, now: number): boolean {
    let window = this.windows.get(key);
    if (!window) {
      window = { times: [], counts: [], head: 0, total: 0 };
      this.windows.set(key, window);
    }
    while (window.head < window.times.length && now - window.times[window.head] >= this.windowMs) {
      window.total -= window.counts[window.head];
      window.head += 1;
    }
    if (window.head > 1024) {
      // Compact now and then instead of shifting on every expiry.
      window.times = window.times.slice(window.head);
      window.counts = window.counts.slice(window.head);
      window.head = 0;
    }
    if (window.total >= mps) return false;
    const last = window.times.length - 1;
    if (last >= window.head && window.times[last] === now) {
      window.counts[last] += 1;
    } else {
      window.times.push(now);
      window.counts.push(1);
    }
    window.total += 1;
    return true;
  }

  reset(): void {
    this.windows.clear();
  }
}
