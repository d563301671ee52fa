module.exports = {
  displayName: 'redis',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/redis',
};
