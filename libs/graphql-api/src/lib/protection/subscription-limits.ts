import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { depthLimitRule, operationComplexity, tooComplex, type QueryLimits } from './query-limits';

/**
 * graphql-ws runs no Apollo plugin, so a subscription gets the same depth and cost
 * checks here, before it starts: the errors, or nothing when it may run.
 */
export function subscriptionLimitErrors(schema: GraphQLSchema, limits: QueryLimits, payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }): readonly GraphQLError[] {
  let document;
  try {
    document = parse(payload.query);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed')];
  }
  const errors = validate(schema, document, [...specifiedRules, depthLimitRule(limits.maxDepth)]);
  if (errors.length > 0) return errors;
  const complexity = operationComplexity(schema, document, payload.variables ?? {}, payload.operationName ?? undefined);
  return complexity > limits.maxComplexity ? [tooComplex(complexity, limits.maxComplexity)] : [];
}
