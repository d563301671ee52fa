import { Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { isTaxonomyCode, SwitchboardError } from '@switchboard/error-taxonomy';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

const logger = new Logger('GraphqlErrors');

/** Apollo's codes for a request GraphQL itself refuses (syntax, unknown field, bad variable). */
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * The one place GraphQL errors get the contract's shape (§3, §9): `extensions.code` is
 * always a taxonomy code, with `details` and Meta's `meta` as in REST; anything
 * unexpected is `internal_error` with no internals. Stack traces only when asked for
 * (development).
 */
export function formatGraphqlError(stacktraces: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A resolver's error comes wrapped by graphql-js; one thrown by a subscription's stream, by graphql-ws.
    const unwrapped = unwrapResolverError(error);
    const cause = unwrapped instanceof GraphQLError && unwrapped.originalError ? unwrapped.originalError : unwrapped;
    const stacktrace = stacktraces && cause instanceof Error && cause.stack ? { stacktrace: cause.stack.split('\n') } : {};
    const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    if (SwitchboardError.isSwitchboardError(cause)) {
      return {
        ...base,
        message: cause.message,
        extensions: {
          code: cause.code,
          ...(cause.details?.length ? { details: cause.details } : {}),
          ...(cause.meta ? { meta: { code: cause.meta.code, title: cause.meta.title } } : {}),
          ...(cause.retryAfterMs !== undefined ? { retryAfterMs: cause.retryAfterMs } : {}),
          ...stacktrace,
        },
      };
    }
    // Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; our limit rules' own code is on the original.
    const original = cause instanceof GraphQLError ? cause.extensions['code'] : undefined;
    const code = isTaxonomyCode(original) ? original : formatted.extensions?.['code'];
    if (isTaxonomyCode(code)) {
      // Our own GraphQLErrors (the depth and cost limits) keep their figures; Apollo's internals stay inside.
      const { http: _http, stacktrace: _trace, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: { ...extensions, code, ...stacktrace } };
    }
    // graphql-ws reports parse and validation errors as graphql-js made them: no code, no original error.
    const requestError = typeof code === 'string' ? REQUEST_ERRORS.has(code) : cause instanceof GraphQLError && cause.originalError === undefined;
    if (requestError) return { ...base, extensions: { code: 'validation_failed', ...stacktrace } };
    logger.error({ err: cause }, 'GraphQL operation failed');
    return { ...base, message: 'Internal error', extensions: { code: 'internal_error', ...stacktrace } };
  };
}
