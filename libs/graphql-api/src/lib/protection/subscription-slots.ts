/**
 * Live subscriptions per API key in this process, across all its connections: one key
 * cannot hold more than `max` feeds (each a Redis subscription and a socket's worth of
 * memory) on one gateway instance.
 */
export class SubscriptionSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot for the key, or false when it already holds `max`. */
  acquire(keyId: string): boolean {
    const count = this.held.get(keyId) ?? 0;
    if (count >= this.max) return false;
    this.held.set(keyId, count + 1);
    return true;
  }

  release(keyId: string): void {
    const count = this.held.get(keyId) ?? 0;
    if (count <= 1) this.held.delete(keyId);
    else this.held.set(keyId, count - 1);
  }
}
