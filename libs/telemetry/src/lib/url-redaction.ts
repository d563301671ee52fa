/** What replaces a secret in log lines and span attributes. */
export const REDACTED = '[redacted]';

/**
 * Replaces every query value of a URL or path with REDACTED and keeps the parameter
 * names (`?hub.verify_token=[redacted]&hub.mode=[redacted]`). Every value goes,
 * not a list of known names: a query carries Meta's tokens and secrets
 * (`input_token`, `client_secret`, `fb_exchange_token`, `hub.verify_token`) and a
 * list would miss the next one. The fragment is dropped for the same reason.
 */
export function redactUrlQuery(url: string): string {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const start = withoutFragment.indexOf('?');
  if (start === -1) return withoutFragment;
  return `${withoutFragment.slice(0, start)}?${redactQueryString(withoutFragment.slice(start + 1))}`;
}

/** The query string (without `?`) with every value replaced by REDACTED. */
export function redactQueryString(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals === -1 ? pair : `${pair.slice(0, equals)}=${REDACTED}`;
    })
    .join('&');
}
