import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { SwitchboardError, type TaxonomyCode } from '@switchboard/error-taxonomy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStorageUnavailable } from './storage-unavailable';

export interface ContractErrorBody {
  error: {
    code: TaxonomyCode;
    message: string;
    details?: ReadonlyArray<{ path: string; issue: string }>;
    meta?: { code: number; title: string };
    requestId: string;
  };
}

const HTTP_CODES: Partial<Record<number, { code: TaxonomyCode; message: string }>> = {
  [HttpStatus.BAD_REQUEST]: { code: 'validation_failed', message: 'The request is not valid' },
  [HttpStatus.UNAUTHORIZED]: { code: 'unauthorized', message: 'Missing or invalid API key' },
  [HttpStatus.FORBIDDEN]: { code: 'unauthorized', message: 'Missing or invalid API key' },
  [HttpStatus.NOT_FOUND]: { code: 'not_found', message: 'No such resource' },
  [HttpStatus.METHOD_NOT_ALLOWED]: { code: 'not_found', message: 'No such resource' },
  [HttpStatus.CONFLICT]: { code: 'conflict', message: 'The resource already exists' },
  [HttpStatus.PAYLOAD_TOO_LARGE]: { code: 'payload_too_large', message: 'The request body is too large' },
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: { code: 'validation_failed', message: 'Send application/json' },
  [HttpStatus.TOO_MANY_REQUESTS]: { code: 'rate_limited', message: 'Too many requests' },
};

/**
 * The contract's body (§3) of a SwitchboardError: what the filter answers, and what a plain
 * Fastify route outside Nest's pipeline (a mounted plugin) answers with the same error.
 */
export function contractErrorBody(exception: SwitchboardError, requestId: string): ContractErrorBody {
  return {
    error: {
      code: exception.code,
      message: exception.message,
      ...(exception.details?.length ? { details: exception.details } : {}),
      ...(exception.meta ? { meta: { code: exception.meta.code, title: exception.meta.title } } : {}),
      requestId,
    },
  };
}

/** What a client is asked to wait when the database is away (a restart or failover takes seconds). */
const STORAGE_RETRY_AFTER_MS = 2_000;

/** The contract's GraphQL endpoint (§7); its HTTP-level refusals get GraphQL's error shape. */
const GRAPHQL_PATH = '/graphql';

/**
 * The one place HTTP errors get the contract's body (§3). /v1 routes always; other
 * routes (health, webhooks) keep Nest's own body unless a SwitchboardError escapes.
 * Errors of GraphQL resolvers pass through to the GraphQL error formatter; what fails
 * on /graphql before Apollo runs (a body that is not JSON, or too large) is answered
 * as GraphQL errors with the taxonomy code in extensions.code, like the rest of it.
 */
@Catch()
export class ContractExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ContractExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    // GraphQL resolvers: hand the error back to the GraphQL layer, whose error formatter maps it.
    if (host.getType() !== 'http') return exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const path = request.url.split('?', 1)[0] ?? '';
    const isContractRoute = path.startsWith('/v1/');

    if (path === GRAPHQL_PATH) {
      const { status, body } = this.toContract(exception, String(request.id));
      if (status >= 500) this.logger.error({ err: exception, requestId: request.id }, 'request failed');
      const error = { message: body.error.message, extensions: { code: body.error.code, requestId: body.error.requestId } };
      void reply.status(status).header('content-type', 'application/json; charset=utf-8').send({ errors: [error] });
      return undefined;
    }

    if (!isContractRoute && !(exception instanceof SwitchboardError)) {
      if (exception instanceof HttpException) {
        void reply.status(exception.getStatus()).send(exception.getResponse());
        return undefined;
      }
    }

    const { status, body, retryAfterMs } = this.toContract(exception, String(request.id));
    if (status === 503) this.logger.warn({ requestId: request.id, reason: exception instanceof Error ? exception.message : String(exception) }, 'database unavailable; answered 503');
    else if (status >= 500) this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    if (retryAfterMs !== undefined) void reply.header('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
    return undefined;
  }

  private toContract(exception: unknown, requestId: string) {
    if (exception instanceof SwitchboardError) {
      return { status: exception.httpStatus, body: contractErrorBody(exception, requestId), retryAfterMs: exception.retryAfterMs };
    }
    if (isStorageUnavailable(exception)) {
      const body: ContractErrorBody = { error: { code: 'service_unavailable', message: 'The service cannot reach its database; try again', requestId } };
      return { status: 503, body, retryAfterMs: STORAGE_RETRY_AFTER_MS };
    }
    const status = exception instanceof HttpException ? exception.getStatus() : this.statusOf(exception);
    const mapped = HTTP_CODES[status] ?? { code: 'internal_error' as const, message: 'Internal error' };
    const body: ContractErrorBody = { error: { code: mapped.code, message: mapped.message, requestId } };
    return { status: HTTP_CODES[status] ? status : 500, body, retryAfterMs: undefined };
  }

  /** Fastify's own errors (body too large, bad JSON) carry a statusCode. */
  private statusOf(exception: unknown): number {
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    return typeof statusCode === 'number' ? statusCode : 500;
  }
}
