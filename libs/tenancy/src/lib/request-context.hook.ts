import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { RequestContext } from './request-context';

/**
 * Opens the per-request context that the auth guard fills and scoped queries read, as a
 * Fastify onRequest hook on every route (the webhook routes' plugin scope included): a
 * Nest middleware would put every request through Nest's middleware runner and
 * @fastify/middie, about a twentieth of a webhook POST's CPU. Hooks added before Fastify
 * is ready apply to every route, whenever it was registered.
 */
@Injectable()
export class RequestContextHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRequest', (request, _reply, done) => RequestContext.run({ requestId: request.id }, () => done()));
  }
}
