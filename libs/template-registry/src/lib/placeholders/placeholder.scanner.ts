/**
 * Finds template placeholders in a component text, and every brace sequence that
 * looks like a broken one. Meta only accepts `{{1}}`-style (positional) or
 * `{{first_name}}`-style (named) placeholders; anything else in double braces is
 * rejected at review, so lint reports it instead of letting it reach Meta.
 */

export type PlaceholderStyle = 'positional' | 'named';

export interface PlaceholderToken {
  readonly raw: string;
  /** `1` for `{{1}}`, `first_name` for `{{first_name}}`. */
  readonly name: string;
  readonly style: PlaceholderStyle;
  readonly start: number;
  readonly end: number;
}

export interface MalformedPlaceholder {
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  readonly problem: string;
}

export interface ScanResult {
  readonly placeholders: readonly PlaceholderToken[];
  readonly malformed: readonly MalformedPlaceholder[];
}

export interface ScanOptions {
  /**
   * Accept whitespace inside the braces (`{{ 1 }}`). Meta's send path tolerates it,
   * so reading an already approved template is lenient; lint is not.
   */
  readonly lenient?: boolean;
}

const POSITIONAL = /^[0-9]+$/;
const NAMED = /^[a-z][a-z0-9_]*$/;
const IDENTIFIER_LIKE = /^[A-Za-z0-9_]+$/;

function snippet(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
}

function styleOf(inner: string): PlaceholderStyle | undefined {
  if (POSITIONAL.test(inner)) return 'positional';
  if (NAMED.test(inner)) return 'named';
  return undefined;
}

export function scanPlaceholders(text: string, options: ScanOptions = {}): ScanResult {
  const placeholders: PlaceholderToken[] = [];
  const malformed: MalformedPlaceholder[] = [];
  const bad = (start: number, end: number, problem: string) => {
    malformed.push({ raw: text.slice(start, end), start, end, problem });
  };

  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '{') {
      let j = i;
      while (text[j] === '{') j += 1;
      const opens = j - i;
      let k = j;
      while (k < text.length && text[k] !== '{' && text[k] !== '}') k += 1;
      const inner = text.slice(j, k);
      let c = k;
      while (text[c] === '}') c += 1;
      const closes = c - k;
      // An unclosed `{{name` swallows the rest of the text; report only its start.
      const raw = snippet(text.slice(i, c));

      if (opens === 2 && closes === 2) {
        const candidate = options.lenient ? inner.trim() : inner;
        const style = styleOf(candidate);
        if (style) {
          placeholders.push({ raw: text.slice(i, c), name: candidate, style, start: i, end: c });
        } else if (inner.trim() === '') {
          bad(i, c, `"${raw}" is an empty placeholder`);
        } else if (inner !== inner.trim() || /\s/.test(inner)) {
          bad(i, c, `"${raw}" has spaces inside the braces; write {{${inner.trim()}}}`);
        } else {
          bad(i, c, `"${raw}" is not a placeholder: use a number ({{1}}) or a lowercase name ({{first_name}})`);
        }
      } else if (opens === 1 && closes === 0) {
        // A lone "{" is ordinary text.
      } else if (opens === 1 && closes === 1) {
        // "{1}" or "{name}" is almost certainly a mistyped placeholder; "{ a }" or JSON is text.
        if (IDENTIFIER_LIKE.test(inner)) bad(i, c, `"${raw}" uses single braces; placeholders are written {{${inner}}}`);
      } else if (closes === 0) {
        bad(i, c, `"${raw}" is never closed with }}`);
      } else if (opens === 2 && closes === 1) {
        bad(i, c, `"${raw}" is missing a closing brace`);
      } else if (opens === 1 && closes === 2) {
        bad(i, c, `"${raw}" is missing an opening brace`);
      } else {
        bad(i, c, `"${raw}" has the wrong number of braces; placeholders are exactly {{ and }}`);
      }
      i = c;
      continue;
    }
    if (char === '}') {
      let c = i;
      while (text[c] === '}') c += 1;
      if (c - i >= 2) bad(i, c, `"${text.slice(i, c)}" closes a placeholder that was never opened`);
      i = c;
      continue;
    }
    i += 1;
  }
  return { placeholders, malformed };
}

/**
 * Distinct placeholder names of a text in the order a send must supply them:
 * positional ones by number, named ones by first appearance.
 */
export function distinctPlaceholders(tokens: readonly PlaceholderToken[]): string[] {
  const names: string[] = [];
  for (const token of tokens) if (!names.includes(token.name)) names.push(token.name);
  const allPositional = tokens.length > 0 && tokens.every((token) => token.style === 'positional');
  return allPositional ? names.sort((a, b) => Number(a) - Number(b)) : names;
}
