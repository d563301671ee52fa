import type { z } from 'zod';
import { GraphError } from './graph-error';

/** `text['body']`, `interactive['action']['buttons'][0]`: how Meta names parameters in error details. */
export function formatParamPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `['${name}']`;
    })
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters long`
        : issue.origin === 'array'
          ? `must have at most ${String(issue.maximum)} elements`
          : `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'must be a non-empty string'
          : `must be at least ${String(issue.minimum)} characters long`
        : issue.origin === 'array'
          ? `must have at least ${String(issue.minimum)} elements`
          : `must be at least ${String(issue.minimum)}`;
    case 'invalid_type':
      return issue.expected === 'undefined' || issue.expected === 'never'
        ? 'is not allowed here'
        : `must be a ${issue.expected}`;
    case 'invalid_value':
      return `must be one of {${issue.values.map(String).join(', ')}}`;
    case 'unrecognized_keys':
      return `has unexpected keys: ${issue.keys.join(', ')}`;
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'invalid_union':
    case 'custom':
      return issue.message;
  }
}

/**
 * Turns the first validation problem into Meta's answer: a missing parameter is
 * 131008 "Required parameter is missing", anything else 100 "Invalid parameter",
 * each with `error_data.details` naming the parameter the way Meta does.
 */
export function paramError(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): GraphError {
  const issue = issues[0];
  if (!issue) return new GraphError(100);
  const path = [...prefix, ...issue.path];
  const param = formatParamPath(path);
  const missing =
    (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) ||
    (issue.code === 'custom' && (issue.params as { missing?: boolean } | undefined)?.missing === true);
  if (missing) {
    const what = issue.code === 'custom' ? issue.message : `The parameter ${param} is required.`;
    return new GraphError(131008, { details: what });
  }
  return new GraphError(100, { details: `Param ${param} ${describe(issue)}` });
}
