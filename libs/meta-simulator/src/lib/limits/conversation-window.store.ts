/**
 * Customer service windows: a message from the user to a business number opens
 * (or refreshes) a window in which any message type may be sent to that user
 * from that number; outside it only templates go (else 131047).
 */
export class ConversationWindowStore {
  private readonly lastInbound = new Map<string, number>();

  constructor(private windowMs: number) {}

  configure(windowMs: number): void {
    this.windowMs = windowMs;
  }

  recordInbound(phoneNumberId: string, waId: string, at: number): void {
    const key = `${phoneNumberId}:${waId}`;
    const previous = this.lastInbound.get(key) ?? Number.NEGATIVE_INFINITY;
    // Simulated history may arrive out of order; the newest message wins.
    if (at > previous) this.lastInbound.set(key, at);
  }

  isOpen(phoneNumberId: string, waId: string, now: number): boolean {
    const last = this.lastInbound.get(`${phoneNumberId}:${waId}`);
    return last !== undefined && now - last < this.windowMs;
  }

  lastInboundAt(phoneNumberId: string, waId: string): number | undefined {
    return this.lastInbound.get(`${phoneNumberId}:${waId}`);
  }

  reset(): void {
    this.lastInbound.clear();
  }
}
