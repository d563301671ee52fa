module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  // Spawns the built apps: slower than unit tests by nature.
  setupFilesAfterEnv: ['<rootDir>/src/support/jest-timeout.ts'],
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  coverageDirectory: '../../coverage/apps/e2e',
};
