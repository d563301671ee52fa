module.exports = {
  displayName: 'error-taxonomy',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/error-taxonomy',
};
