import type { FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../simulator-context';

/** Absolute `paging.next`/`previous` links on the simulator's own address, like Graph's. */
export function cursorPageUrl(ctx: SimulatorContext, request: FastifyRequest): (params: URLSearchParams) => string {
  const path = request.url.split('?', 1)[0];
  return (params) => `${ctx.baseUrl()}${path}?${params.toString()}`;
}
