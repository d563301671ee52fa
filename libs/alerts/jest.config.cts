module.exports = {
  displayName: 'alerts',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/alerts',
};
