import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
  // Integration specs create databases, run migrations and start apps on a 2-core
  // machine; 5 s is too tight under load. e2e sets its own, longer, timeout.
  testTimeout: 30_000,
});
