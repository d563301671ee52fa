import { hasUnfilledPlaceholder } from './unfilled-placeholder';

describe('hasUnfilledPlaceholder', () => {
  it.each(['Hi {{name}}', 'Hi {{name', '{{1}}', 'x {{ y }} z'])('finds one in %j', (text) => expect(hasUnfilledPlaceholder(text)).toBe(true));
  it.each(['Hi John', 'a { b } c', 'set {x}', '}} only'])('finds none in %j', (text) => expect(hasUnfilledPlaceholder(text)).toBe(false));
});
