import { Injectable, NestMiddleware } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestContext } from './request-context';

/** Opens the per-request context that the auth guard fills and scoped queries read. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(request: FastifyRequest['raw'] & { id?: string }, _response: unknown, next: () => void): void {
    RequestContext.run({ requestId: request.id }, next);
  }
}
