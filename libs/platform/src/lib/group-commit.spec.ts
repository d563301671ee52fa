import { GroupCommit } from './group-commit';

/** A flush the test completes by hand, so what joins which batch is decided by the test, not by timing. */
function gatedFlush() {
  const batches: number[][] = [];
  const gates: Array<(fail?: Error) => void> = [];
  const flush = (items: number[]): Promise<number[]> => {
    batches.push(items);
    return new Promise<number[]>((resolve, reject) => gates.push((fail) => (fail ? reject(fail) : resolve(items.map((item) => item * 10)))));
  };
  return { batches, gates, flush };
}

describe('GroupCommit', () => {
  it('flushes a lone item at once, and items that arrive meanwhile together in the next flush', async () => {
    const { batches, gates, flush } = gatedFlush();
    const commit = new GroupCommit(flush, { maxBatch: 100, concurrency: 1 });
    const first = commit.submit(1);
    expect(batches).toEqual([[1]]);
    const later = [commit.submit(2), commit.submit(3), commit.submit(4)];
    gates[0]?.();
    expect(await first).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates[1]?.();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps at most maxBatch items in a flush and concurrency flushes in flight', async () => {
    const { batches, gates, flush } = gatedFlush();
    const commit = new GroupCommit(flush, { maxBatch: 2, concurrency: 2 });
    const results = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    expect(batches).toEqual([[1], [2]]);
    gates[0]?.();
    gates[1]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2], [3, 4], [5]]);
    gates[2]?.();
    gates[3]?.();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
  });

  it("rejects every item of a failed flush with its error, and goes on with the next ones", async () => {
    const { gates, flush } = gatedFlush();
    const commit = new GroupCommit(flush, { maxBatch: 10, concurrency: 1 });
    const failed = commit.submit(1);
    const next = commit.submit(2);
    gates[0]?.(new Error('statement failed'));
    await expect(failed).rejects.toThrow('statement failed');
    await new Promise((resolve) => setImmediate(resolve));
    gates[1]?.();
    expect(await next).toBe(20);
  });

  it('with isolateFailures, flushes each item of a failed flush alone: only the bad one fails', async () => {
    const batches: number[][] = [];
    const flush = async (items: number[]): Promise<number[]> => {
      batches.push(items);
      if (items.includes(3)) throw new Error('item 3 refused');
      return items.map((item) => item * 10);
    };
    const commit = new GroupCommit(flush, { maxBatch: 10, concurrency: 1, isolateFailures: true });
    const first = commit.submit(1);
    const results = [2, 3, 4].map((n) => commit.submit(n));
    expect(await first).toBe(10);
    await expect(results[0]).resolves.toBe(20);
    await expect(results[1]).rejects.toThrow('item 3 refused');
    await expect(results[2]).resolves.toBe(40);
    expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  describe('with lingerMs', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('flushes a lone item at once, then waits until lingerMs after that flush began for more items', async () => {
      const batches: number[][] = [];
      const commit = new GroupCommit(async (items: number[]) => (batches.push(items), items), { maxBatch: 100, concurrency: 1, lingerMs: 50 });
      const first = commit.submit(1);
      expect(batches).toEqual([[1]]);
      await first;
      const later = [2, 3].map((n) => commit.submit(n));
      await jest.advanceTimersByTimeAsync(30);
      const latest = commit.submit(4);
      expect(batches).toEqual([[1]]);
      await jest.advanceTimersByTimeAsync(20);
      expect(batches).toEqual([[1], [2, 3, 4]]);
      expect(await Promise.all([...later, latest])).toEqual([2, 3, 4]);
    });

    it('flushes after a quiet moment at once, and a full batch without waiting', async () => {
      const batches: number[][] = [];
      const commit = new GroupCommit(async (items: number[]) => (batches.push(items), items), { maxBatch: 3, concurrency: 1, lingerMs: 50 });
      await commit.submit(1);
      await jest.advanceTimersByTimeAsync(60);
      await commit.submit(2);
      expect(batches).toEqual([[1], [2]]);
      const full = [3, 4, 5, 6].map((n) => commit.submit(n));
      await jest.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([[1], [2], [3, 4, 5]]);
      await jest.advanceTimersByTimeAsync(50);
      expect(batches).toEqual([[1], [2], [3, 4, 5], [6]]);
      expect(await Promise.all(full)).toEqual([3, 4, 5, 6]);
    });
  });
});
