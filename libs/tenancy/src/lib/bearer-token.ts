import type { FastifyRequest } from 'fastify';

/** The key of an `Authorization: Bearer <key>` value: a header, or the authorization of graphql-ws's connection_init payload. */
export function parseBearer(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
}

export function bearerToken(request: FastifyRequest): string | undefined {
  return parseBearer(request.headers.authorization);
}
