/**
 * What kind of problem an error is, independent of which Meta code or transport
 * failure produced it. Dashboards and alert routing group on this, so values are
 * stable snake_case strings and only ever added to.
 */
export const ERROR_CATEGORIES = [
  'auth',
  'permission',
  'throttling',
  'pair_rate',
  'spam_quality',
  'marketing_limit',
  'recipient',
  'window',
  'template',
  'flow',
  'media',
  'account',
  'integrity',
  'registration',
  'payment',
  'parameter',
  'server',
  'transport',
  'cancelled',
  'unknown',
] as const;

export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];
