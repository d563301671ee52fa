import { distinctPlaceholders, scanPlaceholders } from './placeholder.scanner';

describe('scanPlaceholders', () => {
  it('finds positional and named placeholders with their positions', () => {
    const { placeholders, malformed } = scanPlaceholders('Hi {{1}}, order {{order_id}} ships {{2}}.');
    expect(malformed).toEqual([]);
    expect(placeholders.map((p) => [p.name, p.style, p.start, p.end])).toEqual([
      ['1', 'positional', 3, 8],
      ['order_id', 'named', 16, 28],
      ['2', 'positional', 35, 40],
    ]);
  });

  it.each([
    ['{{1}', 'missing a closing brace'],
    ['{1}}', 'missing an opening brace'],
    ['{{ 1 }}', 'spaces inside the braces'],
    ['{{}}', 'empty placeholder'],
    ['{{name', 'never closed'],
    ['{{{1}}}', 'wrong number of braces'],
    ['{{First_Name}}', 'not a placeholder'],
    ['{1}', 'single braces'],
    ['}}', 'never opened'],
  ])('reports %s as malformed (%s)', (raw, problem) => {
    const { placeholders, malformed } = scanPlaceholders(`Hello ${raw} there`);
    expect(placeholders).toEqual([]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]?.problem).toContain(problem);
    expect(malformed[0]?.start).toBe(6);
  });

  it('leaves ordinary braces alone', () => {
    expect(scanPlaceholders('Use {"a": 1} or a lone { brace } here').malformed).toEqual([]);
  });

  it('accepts whitespace inside the braces only when lenient (reading approved templates)', () => {
    expect(scanPlaceholders('Hi {{ 1 }}', { lenient: true }).placeholders.map((p) => p.name)).toEqual(['1']);
    expect(scanPlaceholders('Hi {{ 1 }}').placeholders).toEqual([]);
  });

  it('lists distinct names: positional by number, named by first appearance', () => {
    expect(distinctPlaceholders(scanPlaceholders('{{2}} {{1}} {{2}}').placeholders)).toEqual(['1', '2']);
    expect(distinctPlaceholders(scanPlaceholders('{{b}} {{a}} {{b}}').placeholders)).toEqual(['b', 'a']);
  });
});
