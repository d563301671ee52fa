import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHANNEL_ROUTES, type ChannelRoutes } from '../messaging.constants';
import { ChannelInbox } from './channel-inbox.service';

export const CHANNEL_WEBHOOK_PATH = '/webhooks/:channel/:connectionId';
const MAX_BODY_BYTES = 256 * 1024;
// What SMS vendors expect back from a messaging URL: an empty TwiML document (no reply).
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

type ChannelWebhookRequest = FastifyRequest<{ Params: { channel: string; connectionId: string } }>;

/**
 * `POST /webhooks/{channel}/{connectionId}`: the vendor callbacks (statuses, inbound messages)
 * of every channel connection, in their own plugin scope where the body stays the raw bytes
 * the vendor signed. WhatsApp keeps its own route (`/webhooks/whatsapp/{appId}`, a static
 * segment, which Fastify matches first). 403 for a signature that does not verify, 404 for
 * an unknown connection, 503 when it could not be applied (the vendor may deliver it again).
 */
@Injectable()
export class ChannelWebhookRoutes implements OnModuleInit {
  private readonly logger = new Logger(ChannelWebhookRoutes.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly inbox: ChannelInbox,
    @Inject(CHANNEL_ROUTES) private readonly routes: ChannelRoutes,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));
      scope.route({ method: 'POST', url: CHANNEL_WEBHOOK_PATH, bodyLimit: MAX_BODY_BYTES, handler: (request: ChannelWebhookRequest, reply) => this.receive(request, reply) });
    });
  }

  private async receive(request: ChannelWebhookRequest, reply: FastifyReply): Promise<FastifyReply> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const outcome = await this.inbox.receive(request.params.channel, request.params.connectionId, {
        rawBody,
        headers: request.headers,
        url: this.routes.publicUrl(request.url),
        body: parseBody(rawBody, request.headers['content-type']),
      });
      if (outcome === 'unknown_connection') return reply.code(404).send();
      if (outcome === 'forged') return reply.code(403).send();
      return reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    } catch (error) {
      this.logger.error({ channel: request.params.channel, reason: error instanceof Error ? error.message : String(error) }, 'channel callback not applied; answered 503 so the vendor may deliver it again');
      return reply.code(503).send();
    }
  }
}

/** Form fields as a record of strings (the last of a repeated name), JSON as parsed, anything else as nothing. */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type === 'application/json') {
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }
  return null;
}
