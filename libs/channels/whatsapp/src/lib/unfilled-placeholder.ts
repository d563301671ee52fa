/**
 * A text that still holds `{{...}}` or an unclosed `{{name` was half-rendered by the
 * caller's template engine: better refused than delivered.
 */
export function hasUnfilledPlaceholder(text: string): boolean {
  return text.includes('{{');
}
