import type { FastifyInstance, FastifyRequest } from 'fastify';
import { objectNotFound } from '../graph/graph-error';
import { WHATSAPP_MANAGEMENT_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import type { WabaRecord } from '../state/simulator-state';
import type { TokenRecord } from '../state/simulator-state';
import { assertWabaAccess, authenticate } from '../tokens/token.auth';

/**
 * A WABA only sends webhooks to apps subscribed to it; an unsubscribed WABA is
 * Meta's classic "webhooks never arrive", and the simulator reproduces it.
 */
export function registerSubscribedAppsRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const resolve = (request: FastifyRequest, method: 'get' | 'post' | 'delete'): { waba: WabaRecord; token: TokenRecord } => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
    const waba = ctx.state.wabas.get(id);
    if (!waba) throw objectNotFound(id, method);
    assertWabaAccess(token, id, id, method);
    return { waba, token };
  };

  app.get('/:version/:id/subscribed_apps', async (request) => {
    const { waba } = resolve(request, 'get');
    return {
      data: [...waba.subscribedAppIds].map((appId) => ({
        whatsapp_business_api_data: {
          id: appId,
          link: `https://www.facebook.com/games/?app_id=${appId}`,
          name: ctx.state.apps.get(appId)?.name ?? '',
        },
      })),
    };
  });

  app.post('/:version/:id/subscribed_apps', async (request) => {
    const { waba, token } = resolve(request, 'post');
    waba.subscribedAppIds.add(token.appId);
    return { success: true };
  });

  app.delete('/:version/:id/subscribed_apps', async (request) => {
    const { waba, token } = resolve(request, 'delete');
    waba.subscribedAppIds.delete(token.appId);
    return { success: true };
  });
}
