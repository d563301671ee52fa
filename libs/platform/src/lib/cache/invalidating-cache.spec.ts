import { InvalidatingCache, relatedKeys } from './invalidating-cache';

describe('InvalidatingCache', () => {
  afterEach(() => jest.useRealTimers());

  const counting = () => {
    const seen = { hits: 0, misses: 0 };
    return { seen, observer: { hit: () => (seen.hits += 1), miss: () => (seen.misses += 1) } };
  };

  it('shares one load per key within the allowed age, counts hits and misses, and loads again after it', async () => {
    jest.useFakeTimers({ now: 0 });
    const { seen, observer } = counting();
    const cache = new InvalidatingCache<number>('t', () => 1000, observer);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    jest.setSystemTime(999);
    expect(await cache.get('a', load)).toBe(1);
    jest.setSystemTime(1000);
    expect(await cache.get('a', load)).toBe(2);
    expect(seen).toEqual({ hits: 2, misses: 2 });
  });

  it('follows the allowed age as it changes (a lost subscription shortens it), and a younger maxAgeMs', async () => {
    jest.useFakeTimers({ now: 0 });
    let allowed = 60_000;
    const cache = new InvalidatingCache<number>('t', () => allowed, counting().observer);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    await cache.get('a', load);
    jest.setSystemTime(5000);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load, 0)).toBe(2);
    allowed = 1000;
    jest.setSystemTime(6000);
    expect(await cache.get('a', load)).toBe(3);
  });

  it('drops the invalidated key, the keys under it and the keys above it, and nothing else', async () => {
    const cache = new InvalidatingCache<string>('t', () => 60_000, counting().observer);
    let loads = 0;
    const keys = ['t1:live', 't1:live:waba1', 't1:live:waba1:n1', 't1:live:waba2', 't1:test', 't10:live'];
    for (const key of keys) await cache.get(key, () => Promise.resolve(`${key}#${++loads}`));
    cache.drop(['t1:live:waba1']);
    const reread = await Promise.all(keys.map((key) => cache.get(key, () => Promise.resolve(`${key}#new`))));
    expect(reread).toEqual(['t1:live#new', 't1:live:waba1#new', 't1:live:waba1:n1#new', 't1:live:waba2#4', 't1:test#5', 't10:live#6']);
  });

  it('never keeps the value of a load that was in flight when its key was invalidated', async () => {
    const cache = new InvalidatingCache<string>('t', () => 60_000, counting().observer);
    let finish: (value: string) => void = () => undefined;
    const stale = cache.get('k', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.drop(['k']);
    finish('stale');
    expect(await stale).toBe('stale');
    expect(await cache.get('k', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  it('keeps a value put with the current version, and refuses one read before an invalidation', async () => {
    const cache = new InvalidatingCache<string>('t', () => 60_000, counting().observer);
    const before = cache.version();
    cache.put('a', 'read before', before);
    expect(await cache.get('a', () => Promise.resolve('loaded'))).toBe('read before');
    const stale = cache.version();
    cache.drop(['unrelated']);
    cache.put('b', 'read before the change', stale);
    expect(await cache.get('b', () => Promise.resolve('read after'))).toBe('read after');
  });

  it('forgets a failed load at once', async () => {
    const cache = new InvalidatingCache<string>('t', () => 60_000, counting().observer);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('relates keys by whole parts only', () => {
    expect(relatedKeys('t1:live', 't1:live:w')).toBe(true);
    expect(relatedKeys('t1:live:w:x', 't1:live:w')).toBe(true);
    expect(relatedKeys('t1:live:w2', 't1:live:w')).toBe(false);
    expect(relatedKeys('t10:live', 't1')).toBe(false);
  });
});
