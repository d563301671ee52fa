import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { parseInput } from '@switchboard/platform';
import type { z } from 'zod';

/** GraphQL sends absent input fields as undefined and explicit ones as null; the REST schemas know neither. */
export function definedFields(input: object | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== null && value !== undefined));
}

const argumentOf = (restPath: string): string => (restPath === 'limit' ? 'first' : restPath === 'cursor' ? 'after' : `filter.${restPath}`);

/**
 * A REST list query (`limit`, `cursor`, filters) built from GraphQL's `filter`, `first` and
 * `after` and parsed by the REST route's schema; a refusal names the GraphQL argument.
 */
export function pageQuery<S extends z.ZodType>(schema: S, filter: object | null, first: number, after: string | null): z.infer<S> {
  try {
    return parseInput(schema, { ...definedFields(filter), limit: first, ...(after === null ? {} : { cursor: after }) });
  } catch (error) {
    if (!SwitchboardError.isSwitchboardError(error) || !error.details) throw error;
    throw new SwitchboardError({ code: error.code, message: error.message, details: error.details.map((detail) => ({ path: argumentOf(detail.path), issue: detail.issue })) });
  }
}

/** A page costs its size times what is selected of each item (the `first` argument, or the default). */
export function pageComplexity(defaultSize: number) {
  return ({ args, childComplexity }: ComplexityEstimatorArgs): number => {
    const first = typeof args['first'] === 'number' ? args['first'] : defaultSize;
    return 1 + Math.max(1, first) * childComplexity;
  };
}
