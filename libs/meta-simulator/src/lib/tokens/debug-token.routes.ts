import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphError } from '../graph/graph-error';
import { WHATSAPP_MANAGEMENT_SCOPE, WHATSAPP_MESSAGING_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import type { TokenRecord } from '../state/simulator-state';
import { checkToken, expiredDetails, presentedToken } from './token.auth';

/** Scopes whose grant is limited to listed WABAs; debug_token lists those as target_ids. */
const GRANULAR_SCOPES = new Set([WHATSAPP_MESSAGING_SCOPE, WHATSAPP_MANAGEMENT_SCOPE, 'business_management']);

/**
 * debug_token needs an app token (`appId|appSecret`) or any valid token of the
 * caller; anything else is answered like Meta does, before looking at the
 * token being inspected.
 */
function authorizeCaller(ctx: SimulatorContext, request: FastifyRequest): void {
  const caller = presentedToken(request);
  if (!caller) {
    throw new GraphError(100, {
      details: 'You must provide an app access token, or a user access token that is an owner or developer of the app',
    });
  }
  const separator = caller.indexOf('|');
  if (separator > 0) {
    const app = ctx.state.apps.get(caller.slice(0, separator));
    if (!app || app.secret !== caller.slice(separator + 1)) {
      throw new GraphError(190, { title: 'Invalid OAuth access token signature.', details: 'Invalid OAuth access token signature.' });
    }
    return;
  }
  const check = checkToken(ctx, caller);
  if (!check.valid) {
    throw new GraphError(190, {
      title: 'Invalid OAuth access token',
      details: check.reason === 'expired' && check.token ? expiredDetails(check.token) : 'Invalid OAuth access token - Cannot parse access token',
    });
  }
}

function describeToken(ctx: SimulatorContext, token: TokenRecord, isValid: boolean): Record<string, unknown> {
  const app = ctx.state.apps.get(token.appId);
  return {
    app_id: token.appId,
    type: token.type,
    application: app?.name ?? '',
    data_access_expires_at: token.dataAccessExpiresAt,
    expires_at: token.expiresAt,
    is_valid: isValid,
    issued_at: token.issuedAt,
    scopes: token.scopes,
    granular_scopes: token.scopes
      .filter((scope) => GRANULAR_SCOPES.has(scope))
      .map((scope) => (scope === 'business_management' ? { scope } : { scope, target_ids: token.wabaIds })),
    user_id: token.userId,
  };
}

export function registerDebugTokenRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const handler = async (request: FastifyRequest) => {
    authorizeCaller(ctx, request);
    const input = (request.query as Record<string, unknown>)['input_token'];
    if (typeof input !== 'string' || input === '') {
      throw new GraphError(100, { details: 'The parameter input_token is required' });
    }
    const separator = input.indexOf('|');
    if (separator > 0) {
      const inspected = ctx.state.apps.get(input.slice(0, separator));
      if (inspected && inspected.secret === input.slice(separator + 1)) {
        return { data: { app_id: inspected.id, type: 'APP', application: inspected.name, is_valid: true, scopes: [] } };
      }
    }
    const check = checkToken(ctx, input);
    if (check.valid) return { data: describeToken(ctx, check.token, true) };
    if (check.reason === 'expired' && check.token) {
      return {
        data: {
          ...describeToken(ctx, check.token, false),
          error: { code: 190, message: expiredDetails(check.token), subcode: 463 },
        },
      };
    }
    return {
      data: {
        error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
        is_valid: false,
        scopes: [],
      },
    };
  };
  app.get('/:version/debug_token', handler);
  app.get('/debug_token', handler);
}
