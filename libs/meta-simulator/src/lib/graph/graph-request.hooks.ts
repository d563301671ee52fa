import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteKind } from '../control/route-kind';
import type { SimulatorContext } from '../simulator-context';
import { GraphError } from './graph-error';

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request arrived (the simulator's clock, epoch ms): set first, by an onRequest hook. */
    receivedAt: number;
  }
}

/** `/_sim/*` and `/health` belong to the simulator, not to Graph. */
export function isControlUrl(url: string): boolean {
  return url === '/_sim' || url.startsWith('/_sim/') || url.startsWith('/_sim?') || url === '/health' || url.startsWith('/health?');
}

/** Graph versions look like v24.0; anything else is an unknown path to Meta. */
export const GRAPH_VERSION = /^v\d{1,3}\.\d{1,2}$/;

const KIND_BY_ROUTE: Record<string, RouteKind | 'node'> = {
  '/:version/:id/messages': 'messages',
  '/:version/:id/media': 'media',
  '/:version/:id': 'node',
  '/:version/debug_token': 'debug_token',
  '/debug_token': 'debug_token',
  '/:version/oauth/access_token': 'oauth',
  '/oauth/access_token': 'oauth',
  '/:version/:id/phone_numbers': 'phone_numbers',
  '/:version/:id/register': 'register',
  '/:version/:id/deregister': 'register',
  '/:version/:id/subscribed_apps': 'subscribed_apps',
  '/:version/:id/message_templates': 'templates',
  '/whatsapp_business/attachments/': 'media_download',
};

interface GraphParams {
  version?: string;
  id?: string;
}

/** Which kind of call this is and which phone number it concerns, for fault matching and the request log. */
export function classifyRequest(ctx: SimulatorContext, request: FastifyRequest): { route: RouteKind; phoneNumberId: string | undefined } {
  const params = (request.params ?? {}) as GraphParams;
  const kind = KIND_BY_ROUTE[request.routeOptions.url ?? ''] ?? 'other';
  const id = params.id;
  const media = id === undefined ? undefined : ctx.state.media.get(id);
  const phoneNumberId = id !== undefined && ctx.state.phoneNumbers.has(id) ? id : media?.phoneNumberId;
  if (kind !== 'node') return { route: kind, phoneNumberId };
  if (id !== undefined && ctx.state.phoneNumbers.has(id)) return { route: 'phone_numbers', phoneNumberId };
  if (media) return { route: 'media', phoneNumberId };
  if (id !== undefined && ctx.state.templates.has(id)) return { route: 'templates', phoneNumberId };
  return { route: 'other', phoneNumberId };
}

function sleep(ctx: SimulatorContext, ms: number): Promise<void> {
  // Through the registry, so closing the simulator cancels the wait.
  return new Promise((resolve) => ctx.timers.after(ms, resolve));
}

/**
 * Runs before every Graph handler: records the request, rejects paths whose
 * version segment is not a Graph version, then applies the first armed fault
 * that matches.
 */
export function registerGraphRequestHooks(app: FastifyInstance, ctx: SimulatorContext, hung: Set<FastifyRequest>): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    // `/_sim/typo` matches `/:version/:id`; it is a control call, not a Graph one.
    if (isControlUrl(request.url)) {
      return reply.code(404).send({ error: { message: `no control route ${request.method} ${request.url}` } });
    }
    const { route, phoneNumberId } = classifyRequest(ctx, request);
    ctx.recorder.record({
      at: request.receivedAt,
      method: request.method,
      path: request.url.split('?', 1)[0],
      route,
      query: request.query,
      headers: request.headers,
      body: request.body,
    });
    const version = ((request.params ?? {}) as GraphParams).version;
    if (version !== undefined && !GRAPH_VERSION.test(version)) {
      // Thrown, not sent: the error handler owns the Graph error shape.
      throw new GraphError(2500, { details: `Unknown path components: ${request.url.split('?', 1)[0]}` });
    }
    const fault = ctx.faults.take({ route, method: request.method, phoneNumberId });
    if (!fault) return undefined;
    if (fault.latencyMs) await sleep(ctx, fault.latencyMs);
    switch (fault.kind) {
      case 'latency':
        return undefined;
      case 'error': {
        const error = new GraphError(fault.code ?? 1, { details: fault.details, httpStatus: fault.httpStatus });
        return reply.code(error.httpStatus).send(error.toBody());
      }
      case 'empty-5xx':
        return reply.code(fault.httpStatus ?? 503).send();
      case 'hang':
        // Never answered; the socket is destroyed when the simulator closes.
        reply.hijack();
        hung.add(request);
        request.raw.once('close', () => hung.delete(request));
        return undefined;
      case 'drop':
        reply.hijack();
        request.raw.socket.destroy();
        return undefined;
    }
  });
}
