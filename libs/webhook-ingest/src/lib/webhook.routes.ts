import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_INGEST_SETTINGS, type WebhookIngestSettings } from './webhook-ingest.constants';
import { WebhookIngestService } from './webhook-ingest.service';

export const WEBHOOK_PATH = '/webhooks/whatsapp/:appId';

// A repeated query parameter arrives as an array: values stay unknown until the service checks them.
type WebhookRequest = FastifyRequest<{ Params: { appId: string }; Querystring: Record<string, unknown> }>;

/**
 * Mounts `GET|HEAD|POST /webhooks/whatsapp/{appId}` as plain Fastify routes in their own
 * plugin scope: only here is every body kept as the raw bytes received (the signature
 * covers them; parsing and re-serialising would break it) and allowed up to 3 MB
 * (Fastify answers 413 beyond), while every other route keeps the JSON parser and the
 * app's body limit. Each handler is one call into WebhookIngestService.
 */
@Injectable()
export class WebhookRoutes implements OnModuleInit {
  private readonly logger = new Logger(WebhookRoutes.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly ingest: WebhookIngestService,
    @Inject(WEBHOOK_INGEST_SETTINGS) private readonly settings: WebhookIngestSettings,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: this.settings.maxBodyBytes }, (_request, body, done) => done(null, body));

      scope.route({
        method: 'GET',
        url: WEBHOOK_PATH,
        exposeHeadRoute: false,
        handler: (request: WebhookRequest, reply) => this.handshake(request, reply),
      });
      // Meta (and load balancers) probe the callback URL with HEAD: always 200.
      scope.route({ method: 'HEAD', url: WEBHOOK_PATH, handler: (_request, reply) => reply.code(200).send() });
      scope.route({
        method: 'POST',
        url: WEBHOOK_PATH,
        bodyLimit: this.settings.maxBodyBytes,
        handler: (request: WebhookRequest, reply) => this.receive(request, reply),
      });
    });
  }

  private async handshake(request: WebhookRequest, reply: FastifyReply): Promise<FastifyReply> {
    const challenge = await this.ingest.handshake(request.params.appId, {
      mode: request.query['hub.mode'],
      verifyToken: request.query['hub.verify_token'],
      challenge: request.query['hub.challenge'],
    });
    if (challenge === null) return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden');
    return reply.code(200).header('x-content-type-options', 'nosniff').type('text/plain; charset=utf-8').send(challenge);
  }

  private async receive(request: WebhookRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers['x-hub-signature-256'];
    try {
      const outcome = await this.ingest.receive(request.params.appId, body, typeof signature === 'string' ? signature : undefined);
      return outcome === 'stored' ? reply.code(200).send() : reply.code(401).send();
    } catch (error) {
      this.logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'webhook not stored; answered 503 so Meta delivers it again');
      return reply.code(503).send();
    }
  }
}
