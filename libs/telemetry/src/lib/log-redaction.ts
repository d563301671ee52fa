/**
 * Paths pino replaces with "[redacted]". Later libs extend the list by adding their
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
