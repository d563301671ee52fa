import { stableHash } from './stable-hash';
import { hasUnfilledPlaceholder } from './unfilled-placeholder';

describe('hasUnfilledPlaceholder', () => {
  it.each(['Hi {{name}}', 'Hi {{name', '{{1}}', 'x {{ y }} z'])('finds one in %j', (text) => expect(hasUnfilledPlaceholder(text)).toBe(true));
  it.each(['Hi John', 'a { b } c', 'set {x}', '}} only'])('finds none in %j', (text) => expect(hasUnfilledPlaceholder(text)).toBe(false));
});

describe('stableHash', () => {
  it('ignores key order and notices any value change', () => {
    expect(stableHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(stableHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(stableHash({ a: 1, b: { c: [2, 1] } })).not.toBe(stableHash({ a: 1, b: { c: [1, 2] } }));
  });
});
