module.exports = {
  displayName: 'tenant-events',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/tenant-events',
};
