import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

export interface SizeLimits {
  maxAliases: number;
  maxTokens: number;
}

const tooLarge = (message: string, extensions: Record<string, number>) =>
  new GraphQLError(message, { extensions: { code: 'query_too_complex', ...extensions, http: { status: 400 } } });

/**
 * The document, parsed with graphql-armor's token-counting lexer: a huge document is
 * refused while it is read (`query_too_complex`). Syntax errors come back as graphql-js
 * makes them, for the caller's own handling.
 */
export function parseWithinTokens(source: string, maxTokens: number): DocumentNode {
  const parser = new MaxTokensParserWLexer(source, {
    n: maxTokens,
    onReject: [
      () => {
        throw tooLarge(`The document has more than ${maxTokens} tokens; send a smaller operation`, { maxTokens });
      },
    ],
  });
  return parser.parseDocument();
}

/**
 * More aliases than `maxAliases` in an operation (fragments counted where spread, every
 * alias counted, `__typename` too): alone in its own pass, so the costly rules of full
 * validation (overlapping fields is quadratic in repeated aliases) never see such a document.
 */
export function aliasLimitErrors(schema: GraphQLSchema, document: DocumentNode, maxAliases: number): readonly GraphQLError[] {
  return validate(schema, document, [
    maxAliasesRule({
      n: maxAliases,
      allowList: [],
      propagateOnRejection: false,
      onReject: [
        (context, error) =>
          context?.reportError(tooLarge(error.message.replace(/^Syntax Error: /, ''), { maxAliases })),
      ],
    }),
  ]);
}

const isSizeError = (error: unknown): error is GraphQLError => error instanceof GraphQLError && error.extensions['code'] === 'query_too_complex';

/**
 * The size checks for one request, before Apollo parses and validates it, so before the
 * API key is looked at: the first refusal, or undefined (a syntax error is left to
 * Apollo, which reports it as usual).
 */
export function operationSizeError(schema: GraphQLSchema, source: string, limits: SizeLimits): GraphQLError | undefined {
  let document: DocumentNode;
  try {
    document = parseWithinTokens(source, limits.maxTokens);
  } catch (error) {
    return isSizeError(error) ? error : undefined;
  }
  return aliasLimitErrors(schema, document, limits.maxAliases)[0];
}

/** The document text of a GraphQL request over HTTP: the JSON body's `query`, or GET's `?query=`. */
export function requestSource(request: { body?: unknown; query?: unknown }): string | undefined {
  for (const carrier of [request.body, request.query]) {
    const query = typeof carrier === 'object' && carrier !== null ? (carrier as { query?: unknown }).query : undefined;
    if (typeof query === 'string') return query;
  }
  return undefined;
}
