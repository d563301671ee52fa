/**
 * Append-only list that forgets its oldest entries past a limit, so a benchmark
 * that pushes millions of requests through the simulator does not grow it
 * without bound.
 */
export class BoundedLog<T> {
  private entries: T[] = [];

  constructor(private limit: number) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  add(entry: T): void {
    if (this.limit <= 0) return;
    this.entries.push(entry);
    // Trim in chunks: splicing on every add would make each add O(limit).
    if (this.entries.length > this.limit * 1.25) {
      this.entries = this.entries.slice(this.entries.length - this.limit);
    }
  }

  list(): T[] {
    return this.entries.length > this.limit
      ? this.entries.slice(this.entries.length - this.limit)
      : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }

  setLimit(limit: number): void {
    this.limit = limit;
  }
}
