/**
 * Per-sender throughput. `admit` (reject mode) allows `mps` sends in any
 * sliding 1,000 ms window; `reserve` (queue mode) gives each message the next
 * free slot at 1,000/mps ms spacing and says how long it waits for it.
 */
export class SenderRate {
  private readonly windows = new Map<string, number[]>();
  private readonly nextFree = new Map<string, number>();

  admit(sender: string, mps: number, now: number): boolean {
    const recent = (this.windows.get(sender) ?? []).filter((at) => at > now - 1000);
    const allowed = recent.length < mps;
    if (allowed) recent.push(now);
    this.windows.set(sender, recent);
    return allowed;
  }

  /** The wait before this message's slot; `commit` false only peeks. */
  reserve(sender: string, mps: number, now: number, commit: boolean): number {
    const slot = Math.max(now, this.nextFree.get(sender) ?? now);
    if (commit) this.nextFree.set(sender, slot + 1000 / mps);
    return slot - now;
  }

  reset(): void {
    this.windows.clear();
    this.nextFree.clear();
  }
}
