import { generateApiKey, hashApiKey, parseApiKey, sameHash } from './api-key.codec';

describe('api key codec', () => {
  it('generates sbk_<env>_ keys with at least 32 url-safe random characters', () => {
    const { key, lookupPrefix, hash } = generateApiKey('live');
    expect(key).toMatch(/^sbk_live_[A-Za-z0-9_-]{43}$/);
    expect(key.slice('sbk_live_'.length).startsWith(lookupPrefix)).toBe(true);
    expect(sameHash(hash, hashApiKey(key))).toBe(true);
    expect(generateApiKey('test').key).toMatch(/^sbk_test_/);
  });

  it('parses its own keys and refuses anything else before any lookup', () => {
    const { key } = generateApiKey('test');
    expect(parseApiKey(key)).toMatchObject({ environment: 'test' });
    for (const bad of ['', 'sbk_prod_' + 'a'.repeat(43), 'sbk_live_short', `Bearer ${key}`, `${key} `]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('compares hashes of different lengths as different without throwing', () => {
    expect(sameHash(Buffer.alloc(32), Buffer.alloc(16))).toBe(false);
  });
});
