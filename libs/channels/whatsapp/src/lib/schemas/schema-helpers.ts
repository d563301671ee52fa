import { z } from 'zod';

/** A non-empty string of at most `max` characters; the message names the limit (it reaches the caller). */
export function limitedText(max: number): z.ZodString {
  return z.string().min(1, 'must not be empty').max(max, `at most ${max} characters (Meta's limit)`);
}

/** Reports a duplicate value among `values`, at `path + index + field`. */
export function refuseDuplicates(ctx: z.RefinementCtx, values: readonly string[], path: (index: number) => PropertyKey[], what: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: path(index), message: `${what} must be unique: ${JSON.stringify(value.slice(0, 40))} is used twice` });
    seen.add(value);
  });
}
