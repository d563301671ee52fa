/**
 * Raised when the environment does not satisfy a schema. The message is one line
 * that names every offending variable and never echoes a value (values may be secrets).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly variables: string[], message: string) {
    super(message);
  }
}
