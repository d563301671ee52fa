import type { FastifyInstance } from 'fastify';
import { z, ZodError } from 'zod';
import type { InboundSmsInput } from '../messages/inbound.service';
import type { SmsSettingsInput } from '../seed/sms-seed.schema';
import type { FaultSpec } from './fault.injector';
import { SmsControlError, type SmsControl } from './sms-control';

export const CONTROL_PREFIX = '/_sim/sms';

/** `/_sim/sms/*`: the SMS simulator's own API (not Twilio's, no credentials). Each route is one SmsControl call. */
export async function registerControlRoutes(app: FastifyInstance, control: SmsControl): Promise<void> {
  app.setErrorHandler((error: Error, _request, reply) => {
    if (error instanceof SmsControlError) return reply.code(error.statusCode).send({ error: { message: error.message } });
    if (error instanceof ZodError) return reply.code(400).send({ error: { message: 'invalid control request', issues: error.issues } });
    const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    return reply.code(statusCode).send({ error: { message: error.message } });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { message: `no control route ${request.method} ${request.url}` } }));

  app.get('/health', async () => ({ status: 'ok' }));

  app.post('/faults', async (request, reply) => reply.code(201).send(control.injectFault(request.body as FaultSpec)));
  app.get('/faults', async () => ({ data: control.faults() }));
  app.delete('/faults', async () => {
    control.clearFaults();
    return { success: true };
  });
  app.delete('/faults/:faultId', async (request) => {
    control.removeFault((request.params as { faultId: string }).faultId);
    return { success: true };
  });

  app.post('/inbound', async (request) => control.simulateInbound(request.body as InboundSmsInput));
  app.get('/opt-outs', async () => ({ data: control.optOuts() }));

  app.get('/config', async () => control.settings());
  const configure = async (request: { body: unknown }) => control.configure((request.body ?? {}) as SmsSettingsInput);
  app.patch('/config', configure);
  app.put('/config', configure);

  app.get('/requests', async (request) => {
    const filter = z
      .object({ method: z.string().optional(), route: z.string().optional(), accountSid: z.string().optional(), to: z.string().optional() })
      .parse(request.query);
    return { data: control.requests(filter) };
  });
  app.delete('/requests', async () => {
    control.clearRequests();
    return { success: true };
  });

  app.get('/callbacks', async () => ({ data: control.callbacks() }));
  app.delete('/callbacks', async () => {
    control.clearCallbacks();
    return { success: true };
  });

  app.get('/messages', async () => ({ data: control.messages() }));
  app.get('/messages/:sid', async (request) => {
    const sid = (request.params as { sid: string }).sid;
    const message = control.message(sid);
    if (!message) throw new SmsControlError(`no message ${sid}`);
    return message;
  });

  app.post('/reset', async () => {
    control.reset();
    return { success: true };
  });
  app.post('/settle', async (request) => {
    const { timeoutMs } = z.object({ timeoutMs: z.coerce.number().int().min(1).max(60_000).default(5000) }).parse(request.query);
    await control.settle(timeoutMs);
    return { success: true };
  });
}
