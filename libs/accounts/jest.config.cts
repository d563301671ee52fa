module.exports = {
  displayName: 'accounts',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/accounts',
};
