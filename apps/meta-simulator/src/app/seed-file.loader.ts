import { readFileSync } from 'node:fs';
import { simulatorSeedSchema, type SimulatorSeed } from '@switchboard/meta-simulator';

/** A seed file that cannot be used; the message is one line naming the file and every bad path. */
export class SeedFileError extends Error {
  override readonly name = 'SeedFileError';
}

/** Reads and validates a JSON seed file (see apps/meta-simulator/seed.example.json). */
export function loadSeedFile(path: string): SimulatorSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedFileError(`SIMULATOR_SEED_FILE ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(`SIMULATOR_SEED_FILE ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = simulatorSeedSchema.safeParse(json);
  if (!result.success) {
    // Paths and messages only: a seed holds secrets, and zod's input echo would print them.
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'} ${issue.message}`);
    throw new SeedFileError(`SIMULATOR_SEED_FILE ${path} is not a valid seed: ${problems.join('; ')}`);
  }
  return json as SimulatorSeed;
}
