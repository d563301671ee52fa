module.exports = {
  displayName: 'graph-api-client',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/graph-api-client',
};
