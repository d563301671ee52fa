module.exports = {
  displayName: 'meta-simulator',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/apps/meta-simulator',
};
