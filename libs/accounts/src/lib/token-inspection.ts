import type { DebugTokenData } from '@switchboard/graph-api-client';
import { EXPIRING_WITHIN_MS, REQUIRED_SCOPES, type TokenStatus } from './token-status';

export interface TokenInspection {
  status: TokenStatus;
  expiresAt: Date | null;
  scopes: string[];
  /** Log-safe reason when the token cannot serve this WABA; undefined when it can. */
  problem?: { code: 'token_invalid' | 'token_missing_scopes'; message: string };
}

/**
 * What debug_token says about a token for one WABA (reference §8): valid at all,
 * both WhatsApp scopes, those scopes granted for this WABA when Meta lists targets,
 * and how close expiry is. `expires_at` 0 means never.
 */
export function inspectToken(data: DebugTokenData, wabaId: string, now: Date, appId?: string): TokenInspection {
  const scopes = [...data.scopes];
  const expiresAt = data.expiresAt;
  const base = { expiresAt, scopes };
  if (!data.isValid) {
    const expired = expiresAt !== null && expiresAt.getTime() <= now.getTime();
    return {
      ...base,
      status: expired ? 'expired' : 'invalid',
      problem: { code: 'token_invalid', message: expired ? 'The access token has expired' : 'Meta reports the access token as invalid' },
    };
  }
  if (appId && data.appId && data.appId !== appId) {
    return { ...base, status: 'invalid', problem: { code: 'token_invalid', message: `The token belongs to app ${data.appId}, not ${appId}` } };
  }
  const missing = REQUIRED_SCOPES.filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) {
    return { ...base, status: 'invalid', problem: { code: 'token_missing_scopes', message: `The token lacks ${missing.join(', ')}` } };
  }
  const uncovered = REQUIRED_SCOPES.filter((scope) => {
    const targets = data.granularScopes.find((granular) => granular.scope === scope)?.targetIds;
    return targets !== undefined && targets.length > 0 && !targets.includes(wabaId);
  });
  if (uncovered.length > 0) {
    return {
      ...base,
      status: 'invalid',
      problem: { code: 'token_missing_scopes', message: `The token's ${uncovered.join(', ')} does not cover WABA ${wabaId}` },
    };
  }
  const expiring = expiresAt !== null && expiresAt.getTime() - now.getTime() <= EXPIRING_WITHIN_MS;
  return { ...base, status: expiring ? 'expiring' : 'valid' };
}
