module.exports = {
  displayName: 'simulator-support',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/simulator-support',
};
