import { ShortLivedCache } from './short-lived-cache';

describe('ShortLivedCache', () => {
  afterEach(() => jest.useRealTimers());

  it('shares one load per key within the TTL, and loads again after it', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new ShortLivedCache<number>(1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    expect(await cache.get('b', load)).toBe(2);
    jest.setSystemTime(999);
    expect(await cache.get('a', load)).toBe(1);
    jest.setSystemTime(1000);
    expect(await cache.get('a', load)).toBe(3);
  });

  it('loads every time with maxAgeMs 0, and refreshes the entry for later callers', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new ShortLivedCache<number>(1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    await cache.get('a', load);
    expect(await cache.get('a', load, 0)).toBe(2);
    expect(await cache.get('a', load)).toBe(2);
  });

  it('forgets a failed load at once', async () => {
    const cache = new ShortLivedCache<number>(60_000);
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', () => Promise.resolve(7))).toBe(7);
  });

  it('stays within maxEntries, dropping expired entries first', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new ShortLivedCache<string>(1000, 2);
    await cache.get('old', () => Promise.resolve('old'));
    jest.setSystemTime(1500);
    await cache.get('fresh', () => Promise.resolve('fresh'));
    await cache.get('new', () => Promise.resolve('new'));
    expect(await cache.get('fresh', () => Promise.resolve('reloaded'))).toBe('fresh');
    expect(await cache.get('old', () => Promise.resolve('reloaded'))).toBe('reloaded');
  });
});
