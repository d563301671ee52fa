// Per-project timeout: jest ignores `testTimeout` in a project config when the root
// config runs several projects, and these specs start real processes (two apps may each wait
// out waitFor's 90 s while a fresh clone installs and builds beside them).
jest.setTimeout(180_000);
