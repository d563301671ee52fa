module.exports = {
  displayName: 'template-registry',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/template-registry',
};
