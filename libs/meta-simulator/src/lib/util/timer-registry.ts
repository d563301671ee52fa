/**
 * Tracks the simulator's timeouts so `close()` can cancel every one of them and
 * leave no handle that keeps a test process alive.
 */
export class TimerRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  get pending(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
