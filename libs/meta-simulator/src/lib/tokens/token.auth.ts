import type { FastifyRequest } from 'fastify';
import { GraphError, objectNotFound } from '../graph/graph-error';
import type { SimulatorContext } from '../simulator-context';
import type { TokenRecord } from '../state/simulator-state';

/** Graph takes the token from `Authorization: Bearer|OAuth` or an `access_token` parameter. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    if (match) return match[1].trim();
  }
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.['access_token'] === 'string' && query['access_token'] !== '') return query['access_token'];
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && typeof body['access_token'] === 'string') return body['access_token'];
  return undefined;
}

export type TokenCheck =
  | { valid: true; token: TokenRecord }
  | { valid: false; reason: 'unknown' | 'expired'; token?: TokenRecord };

export function checkToken(ctx: SimulatorContext, value: string): TokenCheck {
  const token = ctx.state.tokens.get(value);
  if (!token) return { valid: false, reason: 'unknown' };
  if (token.expiresAt !== 0 && token.expiresAt * 1000 <= ctx.now()) return { valid: false, reason: 'expired', token };
  return { valid: true, token };
}

export function expiredDetails(token: TokenRecord): string {
  return `Error validating access token: Session has expired on ${new Date(token.expiresAt * 1000).toUTCString()}.`;
}

/**
 * Resolves the caller's token or throws Meta's 190. With a scope, a token
 * lacking it gets 10 (messaging calls) or 200 (management calls), as Meta does.
 */
export function authenticate(
  ctx: SimulatorContext,
  request: FastifyRequest,
  scope?: 'whatsapp_business_messaging' | 'whatsapp_business_management',
): TokenRecord {
  const value = presentedToken(request);
  if (!value) {
    throw new GraphError(190, {
      title: 'Invalid OAuth access token',
      details: 'An active access token must be used to request this resource.',
    });
  }
  const check = checkToken(ctx, value);
  if (!check.valid) {
    throw check.reason === 'expired' && check.token
      ? new GraphError(190, { details: expiredDetails(check.token) })
      : new GraphError(190, { title: 'Invalid OAuth access token', details: 'Invalid OAuth access token - Cannot parse access token' });
  }
  if (scope && !check.token.scopes.includes(scope)) {
    throw scope === 'whatsapp_business_messaging'
      ? new GraphError(10, { details: `The access token does not have the ${scope} permission.` })
      : new GraphError(200, { details: `The access token does not have the ${scope} permission.` });
  }
  return check.token;
}

/** The token's granular scope must cover the WABA, else the object "does not exist" for it. */
export function assertWabaAccess(token: TokenRecord, wabaId: string, objectId: string, method: 'get' | 'post' | 'delete'): void {
  if (!token.wabaIds.includes(wabaId)) throw objectNotFound(objectId, method);
}
