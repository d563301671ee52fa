module.exports = {
  displayName: 'meta-simulator-core',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/meta-simulator',
};
