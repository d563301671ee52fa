module.exports = {
  displayName: 'queue-board',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/queue-board',
};
