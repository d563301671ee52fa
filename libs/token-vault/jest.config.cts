module.exports = {
  displayName: 'token-vault',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/token-vault',
};
