import type { z } from 'zod';
import { ConfigError } from './config-error';

export type Environment = Record<string, string | undefined>;

/**
 * Parses the environment against a schema. This module and its callers in the
 * apps' entry points are the only readers of process.env. Empty strings count as
 * unset, so `FOO=` falls back to the default like a shell user expects.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Environment = process.env,
): z.infer<S> {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    return { variable, reason: variable in cleaned ? issue.message : 'is required' };
  });
  const variables = [...new Set(problems.map((p) => p.variable))];
  const line = problems.map((p) => `${p.variable} ${p.reason}`).join('; ');
  throw new ConfigError(variables, `Invalid configuration: ${line}`);
}

/**
 * For entry points: parse or stop the process with one clear line on stderr.
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Environment = process.env,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
