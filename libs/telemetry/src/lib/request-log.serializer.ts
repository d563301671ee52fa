import { redactQueryObject, redactUrlQuery } from './url-redaction';

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
}

/**
 * pino-http's request serializer runs first (method, url, query, headers); this one
 * then keeps the path and the parameter names but no query value: the webhook
 * handshake's `hub.verify_token` arrives in the query, and so may the next secret.
 */
export function redactRequestLog<T extends SerializedRequest>(request: T): T {
  if (typeof request.url === 'string') request.url = redactUrlQuery(request.url);
  if (request.query !== undefined) request.query = redactQueryObject(request.query);
  return request;
}
