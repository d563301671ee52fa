import { stableHash } from './stable-hash';

describe('stableHash', () => {
  it('ignores key order and notices any value change', () => {
    expect(stableHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(stableHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(stableHash({ a: 1, b: { c: [2, 1] } })).not.toBe(stableHash({ a: 1, b: { c: [1, 2] } }));
  });
});
