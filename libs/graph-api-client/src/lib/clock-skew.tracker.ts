/**
 * Estimates how far the local clock is from Graph's, from the `Date` header of
 * answers. Token expiry (debug_token's `expires_at`) and webhook timestamps are
 * Meta's clock; a skewed worker would refresh tokens late or misorder statuses.
 *
 * `Date` has one-second resolution, so one sample is only good to ±0.5 s plus
 * half the round trip; the median of recent samples smooths that. Answers that
 * repeat the previous `Date` value add nothing and are skipped cheaply.
 */
export class ClockSkewTracker {
  private readonly samples: number[] = [];
  private lastDateHeader: string | undefined;
  private cachedMedian: number | undefined;

  constructor(private readonly maxSamples = 31) {}

  /** `sentAt`/`receivedAt` are local epoch ms around the call. */
  record(dateHeader: string | undefined, sentAt: number, receivedAt: number): void {
    if (!dateHeader || dateHeader === this.lastDateHeader) return;
    this.lastDateHeader = dateHeader;
    const serverSecondStart = Date.parse(dateHeader);
    if (Number.isNaN(serverSecondStart)) return;
    // Graph truncates to the second: its real time was on average half a second later.
    const sample = serverSecondStart + 500 - (sentAt + receivedAt) / 2;
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.shift();
    this.cachedMedian = undefined;
  }

  /** Graph's clock minus ours in ms (positive: Graph is ahead); 0 until measured. */
  skewMs(): number {
    if (this.samples.length === 0) return 0;
    if (this.cachedMedian === undefined) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      this.cachedMedian = Math.round(
        sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
      );
    }
    return this.cachedMedian;
  }

  sampleCount(): number {
    return this.samples.length;
  }
}
