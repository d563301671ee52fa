/**
 * How late this process's sends leave after their slots, as a decaying histogram of whole
 * milliseconds: O(1) to record, one pass over `maxMs + 2` buckets for a quantile. Counts
 * halve every `halfLife` records, so the quantile follows the process's current load.
 */
export class LatenessSketch {
  private readonly counts: Float64Array;
  private total = 0;
  private sinceDecay = 0;

  /** `maxMs`: lateness beyond it is only counted as "more than maxMs". */
  constructor(
    private readonly maxMs: number,
    private readonly halfLife = 1_000,
  ) {
    this.counts = new Float64Array(maxMs + 2);
  }

  record(latenessMs: number): void {
    const bucket = Math.min(Math.max(0, Math.ceil(latenessMs)), this.maxMs + 1);
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.total += 1;
    this.sinceDecay += 1;
    if (this.sinceDecay < this.halfLife) return;
    this.sinceDecay = 0;
    for (let i = 0; i < this.counts.length; i += 1) this.counts[i] = (this.counts[i] as number) / 2;
    this.total /= 2;
  }

  /** Samples weighed (decayed). */
  get weight(): number {
    return this.total;
  }

  /** The smallest whole ms that at least `q` of the (weighed) sends were no later than; maxMs + 1 when beyond the range. */
  quantile(q: number): number {
    const wanted = q * this.total;
    let seen = 0;
    for (let ms = 0; ms <= this.maxMs; ms += 1) {
      seen += this.counts[ms] as number;
      if (seen >= wanted) return ms;
    }
    return this.maxMs + 1;
  }
}
