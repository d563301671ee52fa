import type { FastifyInstance } from 'fastify';
import { cursorPageUrl } from '../graph/page-url';
import { GraphError, objectNotFound } from '../graph/graph-error';
import { projectFields } from '../graph/graph-fields';
import { paginate } from '../graph/cursor.pagination';
import { WHATSAPP_MANAGEMENT_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import { assertWabaAccess, authenticate } from '../tokens/token.auth';
import { PHONE_NUMBER_DEFAULT_FIELDS, phoneNumberNode } from './phone-number.node';

export function registerPhoneNumberRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get('/:version/:id/phone_numbers', async (request) => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
    if (!ctx.state.wabas.has(id)) throw objectNotFound(id, 'get');
    assertWabaAccess(token, id, id, 'get');
    const query = request.query as Record<string, unknown>;
    const phones = [...ctx.state.phoneNumbers.values()].filter((phone) => phone.wabaId === id);
    const page = paginate(phones, (phone) => phone.id, query, cursorPageUrl(ctx, request));
    return {
      ...page,
      data: page.data.map((phone) =>
        projectFields(phoneNumberNode(phone), query['fields'], PHONE_NUMBER_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber'),
      ),
    };
  });

  app.post('/:version/:id/register', async (request) => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
    const phone = ctx.state.phoneNumbers.get(id);
    if (!phone || !token.wabaIds.includes(phone.wabaId)) throw objectNotFound(id, 'post');
    const body = { ...(request.query as Record<string, unknown>), ...((request.body ?? {}) as Record<string, unknown>) };
    if (body['messaging_product'] === undefined) {
      throw new GraphError(131008, { details: 'The parameter messaging_product is required.' });
    }
    if (body['messaging_product'] !== 'whatsapp') throw new GraphError(100, { details: 'Param messaging_product must be whatsapp' });
    if (body['pin'] === undefined) throw new GraphError(131008, { details: 'The parameter pin is required.' });
    const pin = String(body['pin']);
    if (!/^\d{6}$/.test(pin)) throw new GraphError(100, { details: 'Param pin must be a 6-digit number' });
    // A number that already has two-step verification only registers with that PIN.
    if (phone.pin !== undefined && phone.pin !== pin) throw new GraphError(133005);
    phone.pin = pin;
    phone.registered = true;
    phone.status = 'CONNECTED';
    return { success: true };
  });

  app.post('/:version/:id/deregister', async (request) => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
    const phone = ctx.state.phoneNumbers.get(id);
    if (!phone || !token.wabaIds.includes(phone.wabaId)) throw objectNotFound(id, 'post');
    phone.registered = false;
    return { success: true };
  });
}
