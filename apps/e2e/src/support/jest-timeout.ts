// Per-project timeout: jest ignores `testTimeout` in a project config when the root
// config runs several projects, and these specs start real processes.
jest.setTimeout(60_000);
