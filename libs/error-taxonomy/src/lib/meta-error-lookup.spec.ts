import { lookupMetaError } from './meta-error-lookup';

describe('lookupMetaError', () => {
  it('finds exact codes', () => {
    expect(lookupMetaError(131047)?.title).toBe('Re-engagement message');
  });

  it('resolves any code in 201-299 to the permission range entry', () => {
    for (const code of [201, 230, 250, 299]) {
      expect(lookupMetaError(code)).toMatchObject({ metaCode: 201, metaCodeTo: 299, category: 'permission' });
    }
  });

  it('prefers the exact entry for 200 over the range', () => {
    expect(lookupMetaError(200)).toMatchObject({ metaCode: 200, category: 'auth', code: 'token_invalid' });
  });

  it('returns undefined outside the catalogue', () => {
    expect(lookupMetaError(300)).toBeUndefined();
    expect(lookupMetaError(199)).toBeUndefined();
    expect(lookupMetaError(999_999)).toBeUndefined();
  });
});
