module.exports = {
  displayName: 'messaging',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/messaging',
};
