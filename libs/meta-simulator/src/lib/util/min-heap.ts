/**
 * Binary min-heap keyed by a number. Pending status events are kept here so
 * thousands of in-flight messages cost one timer, not three timers each.
 */
export class MinHeap<T> {
  private readonly items: { key: number; value: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  peekKey(): number | undefined {
    return this.items[0]?.key;
  }

  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, value });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent].key <= key) break;
      items[index] = items[parent];
      index = parent;
    }
    items[index] = { key, value };
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length === 0) return top.value;
    let index = 0;
    const length = items.length;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      let smallestKey = last.key;
      if (left < length && items[left].key < smallestKey) {
        smallest = left;
        smallestKey = items[left].key;
      }
      if (right < length && items[right].key < smallestKey) smallest = right;
      if (smallest === index) break;
      items[index] = items[smallest];
      index = smallest;
    }
    items[index] = last;
    return top.value;
  }

  clear(): void {
    this.items.length = 0;
  }
}
