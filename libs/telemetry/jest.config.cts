module.exports = {
  displayName: 'telemetry',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/telemetry',
};
