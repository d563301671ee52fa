export const REDACTED = '[REDACTED]';

// Meta echoes tokens back in some messages ("Malformed access token ..."), and
// undici errors can carry URLs with query-string credentials (debug_token,
// fb_exchange_token). These patterns catch what the caller did not name.
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bBearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`],
  [/\bEAA[A-Za-z0-9]{16,}/g, REDACTED],
  [
    /\b(access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|app_secret|verify_token)(["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi,
    `$1$2${REDACTED}`,
  ],
];

// Shorter strings would redact ordinary words; real credentials are far longer.
const MIN_SECRET_LENGTH = 6;

/**
 * Removes credentials from text meant for logs, errors and spans: every
 * occurrence of each known secret, then anything shaped like a token.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
