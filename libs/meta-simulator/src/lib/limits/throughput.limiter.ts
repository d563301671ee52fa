/**
 * Per-number throughput (Meta: 80 messages per second by default, 130429 when
 * exceeded). Modelled as a sliding one-second window: a send is allowed when
 * fewer than `mps` sends happened in the last 1,000 ms. A ring buffer of the
 * last `mps` send times makes each check O(1): the send is allowed when the
 * oldest of them is at least a second old.
 */
export class ThroughputLimiter {
  private readonly rings = new Map<string, { times: number[]; next: number }>();

  constructor(private readonly windowMs = 1000) {}

  /** Records the send and returns true, or returns false when over the limit. */
  tryAcquire(key: string, mps: number, now: number): boolean {
    let ring = this.rings.get(key);
    if (!ring || ring.times.length !== mps) {
      ring = { times: new Array<number>(mps).fill(Number.NEGATIVE_INFINITY), next: 0 };
      this.rings.set(key, ring);
    }
    const oldest = ring.times[ring.next];
    if (now - oldest < this.windowMs) return false;
    ring.times[ring.next] = now;
    ring.next = (ring.next + 1) % mps;
    return true;
  }

  reset(): void {
    this.rings.clear();
  }
}
