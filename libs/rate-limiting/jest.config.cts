module.exports = {
  displayName: 'rate-limiting',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/rate-limiting',
};
