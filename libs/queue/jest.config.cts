module.exports = {
  displayName: 'queue',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/queue',
};
