import { REDACTED } from './url-redaction';

/**
 * Paths pino replaces with REDACTED ("[redacted]"). Later libs extend the list by adding their
 * field names here, the one place reviewers check when a new secret appears.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.appSecret',
  '*.app_secret',
  '*.verifyToken',
  '*.verify_token',
  '*.secret',
  '*.password',
  '*.pin',
  '*.apiKey',
  '*.key',
];

/** The field names of the `*.name` paths above: censored at every depth by redactSecretFields. */
const SECRET_FIELD_NAMES = new Set(REDACTED_LOG_PATHS.filter((path) => path.startsWith('*.')).map((path) => path.slice(2)));

/** Deep enough for any object the code logs; deeper values are left to the pino paths. */
const MAX_DEPTH = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of a log object with every field named like a secret (`token`, `appSecret`,
 * ... from REDACTED_LOG_PATHS) censored at any depth, the top level included. pino's
 * `*.token` paths match exactly one level, so `{ app: { credentials: { token } } }`
 * would otherwise print. Only plain objects and arrays are walked: requests, errors
 * and other instances are left to their serializers.
 */
export function redactSecretFields<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecretFields(item, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_FIELD_NAMES.has(key) && field !== undefined && field !== null ? REDACTED : redactSecretFields(field, depth + 1);
  }
  return copy as T;
}
