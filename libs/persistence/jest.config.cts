module.exports = {
  displayName: 'persistence',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/persistence',
};
