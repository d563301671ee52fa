import type { ComplexityEstimatorArgs } from '@nestjs/graphql';

/** GraphQL sends absent input fields as undefined and explicit ones as null; the REST schemas know neither. */
export function definedFields(input: object | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== null && value !== undefined));
}

/** A page costs its size times what is selected of each item (the `first` argument, or the default). */
export function pageComplexity(defaultSize: number) {
  return ({ args, childComplexity }: ComplexityEstimatorArgs): number => {
    const first = typeof args['first'] === 'number' ? args['first'] : defaultSize;
    return 1 + Math.max(1, first) * childComplexity;
  };
}
