import type { ApolloServerPlugin } from '@apollo/server';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { SizeLimits } from './operation-size';

export interface QueryLimits extends SizeLimits {
  maxDepth: number;
  maxComplexity: number;
}

/** Deeper selections than `maxDepth` are refused before anything runs (`query_too_deep`). */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return maxDepthRule({
    n: maxDepth,
    propagateOnRejection: false,
    onReject: [
      (context, error) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'query_too_deep', maxDepth } })),
    ],
  });
}

/**
 * The cost of an operation: every field costs 1, a page costs its size times its
 * selection (the resolvers' `complexity`), so aliases and large pages add up.
 */
export function operationComplexity(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    ...(operationName ? { operationName } : {}),
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
}

export function tooComplex(complexity: number, maxComplexity: number): GraphQLError {
  return new GraphQLError(`Query cost ${complexity} is above the limit of ${maxComplexity}; ask for smaller pages or fewer fields`, {
    extensions: { code: 'query_too_complex', complexity, maxComplexity, http: { status: 400 } },
  });
}

/** Refuses an operation costlier than `maxComplexity` before it executes (`query_too_complex`). */
export function complexityLimitPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ request, document, schema }) => {
          let complexity: number;
          try {
            complexity = operationComplexity(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          } catch (error) {
            // The cost is read with the variables coerced: a missing or mistyped one is the caller's mistake (400), not ours.
            if (error instanceof GraphQLError) return Promise.reject(new GraphQLError(error.message, { extensions: { code: 'validation_failed', http: { status: 400 } } }));
            throw error;
          }
          if (complexity > maxComplexity) return Promise.reject(tooComplex(complexity, maxComplexity));
          return Promise.resolve();
        },
      }),
  };
}
