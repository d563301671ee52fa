import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { z } from 'zod';

/**
 * Parses request input with its zod schema; failures become `validation_failed`
 * with one `{path, issue}` per problem (contract §3), e.g. path "template.components.0".
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new SwitchboardError({
    code: 'validation_failed',
    message: 'The request is not valid',
    details: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      issue: issue.message,
    })),
  });
}
