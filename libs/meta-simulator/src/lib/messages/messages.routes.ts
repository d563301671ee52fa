import type { FastifyInstance } from 'fastify';
import { WHATSAPP_MESSAGING_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import { authenticate } from '../tokens/token.auth';
import { sendMessage } from './send-message.service';

export function registerMessagesRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post('/:version/:id/messages', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    const token = authenticate(ctx, request, WHATSAPP_MESSAGING_SCOPE);
    return sendMessage(ctx, token, id, request.body, version, request.receivedAt);
  });
}
