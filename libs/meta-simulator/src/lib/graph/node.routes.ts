import type { FastifyInstance } from 'fastify';
import { checkPhoneNumberParam, mediaFor, mediaNode } from '../media/media.routes';
import { PHONE_NUMBER_DEFAULT_FIELDS, phoneNumberNode } from '../numbers/phone-number.node';
import { WHATSAPP_MANAGEMENT_SCOPE, WHATSAPP_MESSAGING_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import { TEMPLATE_DEFAULT_FIELDS, templateNode } from '../templates/template.node';
import { assertWabaAccess, authenticate } from '../tokens/token.auth';
import { objectNotFound } from './graph-error';
import { projectFields } from './graph-fields';

/**
 * `GET|DELETE /<ID>`: Graph addresses every object by id alone, so one route
 * looks the id up among phone numbers, media, templates and WABAs, each with
 * the permission Meta requires for it.
 */
export function registerNodeRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get('/:version/:id', async (request) => {
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, unknown>;
    const token = authenticate(ctx, request);
    if (ctx.state.media.has(id)) {
      const scoped = authenticate(ctx, request, WHATSAPP_MESSAGING_SCOPE);
      const media = mediaFor(ctx, scoped, id, 'get');
      checkPhoneNumberParam(request, media);
      return mediaNode(ctx, media);
    }
    const phone = ctx.state.phoneNumbers.get(id);
    if (phone) {
      authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
      assertWabaAccess(token, phone.wabaId, id, 'get');
      return projectFields(phoneNumberNode(phone), query['fields'], PHONE_NUMBER_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber');
    }
    const template = ctx.state.templates.get(id);
    if (template) {
      authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
      assertWabaAccess(token, template.wabaId, id, 'get');
      return projectFields(templateNode(template), query['fields'], TEMPLATE_DEFAULT_FIELDS, 'WhatsAppMessageTemplate');
    }
    const waba = ctx.state.wabas.get(id);
    if (waba) {
      authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
      assertWabaAccess(token, waba.id, id, 'get');
      const node = {
        id: waba.id,
        name: waba.name,
        currency: waba.currency,
        timezone_id: waba.timezoneId,
        message_template_namespace: `sim_${waba.id}`,
        account_review_status: 'APPROVED',
      };
      return projectFields(node, query['fields'], ['name', 'currency', 'timezone_id', 'message_template_namespace'], 'WhatsAppBusinessAccount');
    }
    throw objectNotFound(id, 'get');
  });

  app.delete('/:version/:id', async (request) => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MESSAGING_SCOPE);
    const media = mediaFor(ctx, token, id, 'delete');
    checkPhoneNumberParam(request, media);
    ctx.state.media.delete(id);
    return { success: true };
  });
}
