/** A list that keeps only its newest `limit` entries (0: keeps nothing), so long runs stay bounded. */
export class BoundedLog<T> {
  private entries: T[] = [];

  constructor(private limit: number) {}

  add(entry: T): void {
    if (this.limit <= 0) return;
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  list(): T[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }

  setLimit(limit: number): void {
    this.limit = limit;
    if (this.entries.length > limit) this.entries.splice(0, this.entries.length - limit);
  }
}
