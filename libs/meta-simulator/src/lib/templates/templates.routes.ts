import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimulatorControl } from '../control/simulator-control';
import { paginate } from '../graph/cursor.pagination';
import { GraphError, objectNotFound } from '../graph/graph-error';
import { projectFields } from '../graph/graph-fields';
import { cursorPageUrl } from '../graph/page-url';
import { WHATSAPP_MANAGEMENT_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import type { TemplateRecord } from '../state/simulator-state';
import { assertWabaAccess, authenticate } from '../tokens/token.auth';
import { validateTemplateCreate } from './template-create.validator';
import { TEMPLATE_DEFAULT_FIELDS, templateNode } from './template.node';

export function registerTemplateRoutes(app: FastifyInstance, ctx: SimulatorContext, control: SimulatorControl): void {
  const wabaOf = (request: FastifyRequest, method: 'get' | 'post' | 'delete'): string => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MANAGEMENT_SCOPE);
    if (!ctx.state.wabas.has(id)) throw objectNotFound(id, method);
    assertWabaAccess(token, id, id, method);
    return id;
  };

  app.get('/:version/:id/message_templates', async (request) => {
    const wabaId = wabaOf(request, 'get');
    const query = request.query as Record<string, unknown>;
    const filter = (key: string) => (typeof query[key] === 'string' && query[key] !== '' ? String(query[key]) : undefined);
    const name = filter('name');
    const status = filter('status')?.toUpperCase();
    const category = filter('category')?.toUpperCase();
    const language = filter('language');
    const templates = [...ctx.state.templates.values()].filter(
      (template) =>
        template.wabaId === wabaId &&
        // Graph's name filter matches parts of names.
        (name === undefined || template.name.includes(name)) &&
        (status === undefined || status.split(',').includes(template.status)) &&
        (category === undefined || category.split(',').includes(template.category)) &&
        (language === undefined || language.split(',').includes(template.language)),
    );
    const page = paginate(templates, (template) => template.id, query, cursorPageUrl(ctx, request));
    return {
      ...page,
      data: page.data.map((template) =>
        projectFields(templateNode(template), query['fields'], TEMPLATE_DEFAULT_FIELDS, 'WhatsAppMessageTemplate'),
      ),
    };
  });

  app.post('/:version/:id/message_templates', async (request) => {
    const wabaId = wabaOf(request, 'post');
    const valid = validateTemplateCreate(request.body);
    if (ctx.state.findTemplate(wabaId, valid.name, valid.language)) {
      throw new GraphError(100, {
        subcode: 2388024,
        userTitle: 'Content in this language already exists',
        userMessage: `There is already ${valid.language} content for the template ${valid.name}.`,
        details: `Content in this language already exists: template ${valid.name} (${valid.language})`,
      });
    }
    const template: TemplateRecord = {
      id: ctx.state.nextId('41'),
      wabaId,
      name: valid.name,
      language: valid.language,
      category: valid.category,
      status: 'PENDING',
      parameterFormat: valid.parameterFormat,
      components: valid.components,
      qualityScore: 'UNKNOWN',
      rejectedReason: 'NONE',
    };
    ctx.state.templates.set(template.id, template);
    const settings = ctx.settings();
    if (settings.autoApproveTemplates) {
      ctx.timers.after(settings.templateReviewDelayMs, () => {
        // A reset in the meantime replaced the template map; this review is moot.
        if (ctx.state.templates.get(template.id) !== template || template.status !== 'PENDING') return;
        void control.changeTemplateStatus(template, 'APPROVED');
      });
    }
    return { id: template.id, status: template.status, category: template.category };
  });

  app.delete('/:version/:id/message_templates', async (request) => {
    const wabaId = wabaOf(request, 'delete');
    const query = { ...(request.query as Record<string, unknown>), ...((request.body ?? {}) as Record<string, unknown>) };
    const name = typeof query['name'] === 'string' ? query['name'] : undefined;
    const hsmId = typeof query['hsm_id'] === 'string' ? query['hsm_id'] : undefined;
    if (!name) throw new GraphError(131008, { details: 'The parameter name is required.' });
    const matching = [...ctx.state.templates.values()].filter(
      (template) => template.wabaId === wabaId && template.name === name && (hsmId === undefined || template.id === hsmId),
    );
    if (matching.length === 0) {
      throw new GraphError(100, { details: `Message template ${hsmId ? `${name} with id ${hsmId}` : name} was not found` });
    }
    for (const template of matching) {
      ctx.state.templates.delete(template.id);
      void control.changeTemplateStatus(template, 'DELETED', 'PENDING_DELETION', null);
    }
    return { success: true };
  });
}
