import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphError } from '../graph/graph-error';
import type { SimulatorContext } from '../simulator-context';
import type { TokenRecord } from '../state/simulator-state';
import { checkToken } from './token.auth';

/** Meta's expiring system-user and long-lived tokens last 60 days. */
export const SIXTY_DAYS_SECONDS = 60 * 24 * 60 * 60;

function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name] ?? (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Token refresh by `fb_exchange_token`: the new token has the old one's scopes
 * and WABAs and a 60-day life; the old token keeps working until its own expiry.
 */
export function registerOAuthRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const handler = async (request: FastifyRequest) => {
    const grantType = param(request, 'grant_type');
    if (grantType !== 'fb_exchange_token') {
      throw new GraphError(100, { details: `Unsupported grant_type: ${grantType ?? '(missing)'}; only fb_exchange_token is simulated` });
    }
    const clientId = param(request, 'client_id');
    const clientSecret = param(request, 'client_secret');
    const current = param(request, 'fb_exchange_token');
    if (!clientId) throw new GraphError(131008, { details: 'The parameter client_id is required.' });
    if (!clientSecret) throw new GraphError(131008, { details: 'The parameter client_secret is required.' });
    if (!current) throw new GraphError(131008, { details: 'The parameter fb_exchange_token is required.' });
    const metaApp = ctx.state.apps.get(clientId);
    if (!metaApp) throw new GraphError(101);
    if (metaApp.secret !== clientSecret) {
      throw new GraphError(1, { title: 'Error validating client secret.', details: 'Error validating client secret.' });
    }
    const check = checkToken(ctx, current);
    if (!check.valid || check.token.appId !== metaApp.id) {
      throw new GraphError(190, { title: 'Invalid OAuth access token', details: 'Error validating access token: the token is invalid or expired.' });
    }
    const nowSeconds = Math.floor(ctx.now() / 1000);
    const fresh: TokenRecord = {
      ...check.token,
      scopes: [...check.token.scopes],
      wabaIds: [...check.token.wabaIds],
      token: `sim-token-${randomBytes(16).toString('hex')}`,
      issuedAt: nowSeconds,
      expiresAt: nowSeconds + SIXTY_DAYS_SECONDS,
      dataAccessExpiresAt: nowSeconds + 90 * 24 * 60 * 60,
    };
    ctx.state.tokens.set(fresh.token, fresh);
    return { access_token: fresh.token, token_type: 'bearer', expires_in: SIXTY_DAYS_SECONDS };
  };
  app.get('/oauth/access_token', handler);
  app.get('/:version/oauth/access_token', handler);
}
