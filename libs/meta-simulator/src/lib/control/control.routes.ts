import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimulationSettingsInput } from '../seed/simulator-seed.schema';
import type { FaultSpec } from './fault.injector';
import type { SimulatorControl } from './simulator-control';
import type { AddTokenInput, InboundMessageInput, PhoneNumberPatch, TemplateStatusChange } from './control.schemas';

/**
 * `/_sim/*`: the simulator's own API (not Graph). Thin: every route is one call
 * into SimulatorControl, which validates and does the work, so the HTTP and
 * in-process surfaces cannot drift apart.
 */
export function registerControlRoutes(app: FastifyInstance, control: SimulatorControl): void {
  const health = async () => ({ status: 'ok' });
  app.get('/_sim/health', health);
  app.get('/health', health);

  app.post('/_sim/faults', async (request, reply) => reply.code(201).send(control.injectFault(request.body as FaultSpec)));
  app.get('/_sim/faults', async () => ({ data: control.faults() }));
  app.delete('/_sim/faults', async () => {
    control.clearFaults();
    return { success: true };
  });
  app.delete('/_sim/faults/:faultId', async (request) => {
    control.removeFault((request.params as { faultId: string }).faultId);
    return { success: true };
  });

  app.post('/_sim/inbound', async (request) => control.simulateInbound(request.body as InboundMessageInput));

  app.post('/_sim/templates/:templateId/status', async (request) =>
    control.setTemplateStatus((request.params as { templateId: string }).templateId, request.body as TemplateStatusChange),
  );

  const patchPhone = async (request: { params: unknown; body: unknown }) =>
    control.updatePhoneNumber((request.params as { phoneNumberId: string }).phoneNumberId, request.body as PhoneNumberPatch);
  app.patch('/_sim/phone-numbers/:phoneNumberId', patchPhone);
  app.post('/_sim/phone-numbers/:phoneNumberId', patchPhone);

  app.post('/_sim/tokens', async (request, reply) => reply.code(201).send(control.addToken(request.body as AddTokenInput)));

  app.get('/_sim/config', async () => control.settings());
  const configure = async (request: { body: unknown }) => control.configure((request.body ?? {}) as SimulationSettingsInput);
  app.patch('/_sim/config', configure);
  app.put('/_sim/config', configure);

  app.get('/_sim/requests', async (request) => {
    const query = z
      .object({ method: z.string().optional(), path: z.string().optional(), route: z.string().optional() })
      .parse(request.query);
    return { data: control.requests(query) };
  });
  app.delete('/_sim/requests', async () => {
    control.clearRequests();
    return { success: true };
  });

  app.get('/_sim/webhooks', async () => ({ data: control.webhooks() }));
  app.delete('/_sim/webhooks', async () => {
    control.clearWebhooks();
    return { success: true };
  });

  app.get('/_sim/messages', async () => ({ data: control.messages() }));
  app.get('/_sim/messages/:messageId', async (request, reply) => {
    const message = control.message((request.params as { messageId: string }).messageId);
    return message ?? reply.code(404).send({ error: { message: 'no such message' } });
  });

  app.post('/_sim/reset', async () => {
    control.reset();
    return { success: true };
  });

  app.post('/_sim/settle', async (request) => {
    const { timeoutMs } = z.object({ timeoutMs: z.coerce.number().int().min(1).max(60_000).default(5000) }).parse(request.query);
    await control.settle(timeoutMs);
    return { success: true };
  });
}
