import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { aliasLimitErrors, parseWithinTokens } from './operation-size';
import { depthLimitRule, operationComplexity, tooComplex, type QueryLimits } from './query-limits';

/**
 * graphql-ws runs no Apollo plugin, so a subscription gets the same size, depth and cost
 * checks here, before it starts: the errors, or nothing when it may run.
 */
export function subscriptionLimitErrors(schema: GraphQLSchema, limits: QueryLimits, payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }): readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parseWithinTokens(payload.query, limits.maxTokens);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed')];
  }
  const tooManyAliases = aliasLimitErrors(schema, document, limits.maxAliases);
  if (tooManyAliases.length > 0) return tooManyAliases;
  const errors = validate(schema, document, [...specifiedRules, depthLimitRule(limits.maxDepth)]);
  if (errors.length > 0) return errors;
  const complexity = operationComplexity(schema, document, payload.variables ?? {}, payload.operationName ?? undefined);
  return complexity > limits.maxComplexity ? [tooComplex(complexity, limits.maxComplexity)] : [];
}
