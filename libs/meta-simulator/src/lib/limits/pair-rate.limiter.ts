export interface PairRateSettings {
  /** Bucket capacity: the largest burst to one recipient (Meta: 45). */
  burst: number;
  /** One token is added every interval (Meta: 1 message per 6 s). */
  refillIntervalMs: number;
}

/**
 * Credit is kept in milliseconds of refill time (one message = refillIntervalMs),
 * so the arithmetic stays in integers and 5,999 ms + 1 ms is exactly one message.
 */
interface Bucket {
  creditMs: number;
  updatedAt: number;
}

/**
 * Meta's pair rate limit (131056): about one message every 6 s from a business
 * number to the same user, with bursts of up to 45 "borrowed against future
 * quota" (a burst of 20 means waiting about 2 minutes). A token bucket says
 * exactly that: capacity 45, one token per 6 s; a burst drains it and the
 * refill time is the repayment. Buckets start full. Only accepted messages take
 * a token, as a rejected send never reached the user.
 */
export class PairRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private settings: PairRateSettings) {}

  configure(settings: PairRateSettings): void {
    this.settings = settings;
  }

  /** Whether a message may go now, without taking a token. */
  canSend(phoneNumberId: string, recipient: string, now: number): boolean {
    return this.refilled(this.key(phoneNumberId, recipient), now).creditMs >= this.settings.refillIntervalMs;
  }

  take(phoneNumberId: string, recipient: string, now: number): void {
    const key = this.key(phoneNumberId, recipient);
    const bucket = this.refilled(key, now);
    bucket.creditMs -= this.settings.refillIntervalMs;
    this.buckets.set(key, bucket);
  }

  /** Milliseconds until the next message to this recipient is allowed (0 = now). */
  waitMs(phoneNumberId: string, recipient: string, now: number): number {
    const bucket = this.refilled(this.key(phoneNumberId, recipient), now);
    return Math.max(0, this.settings.refillIntervalMs - bucket.creditMs);
  }

  reset(): void {
    this.buckets.clear();
  }

  private key(phoneNumberId: string, recipient: string): string {
    return `${phoneNumberId}:${recipient}`;
  }

  private refilled(key: string, now: number): Bucket {
    const capacity = this.settings.burst * this.settings.refillIntervalMs;
    const bucket = this.buckets.get(key);
    if (!bucket) return { creditMs: capacity, updatedAt: now };
    bucket.creditMs = Math.min(capacity, bucket.creditMs + Math.max(0, now - bucket.updatedAt));
    bucket.updatedAt = now;
    // A full bucket carries no information; dropping it keeps the map small.
    if (bucket.creditMs >= capacity) this.buckets.delete(key);
    return bucket;
  }
}
