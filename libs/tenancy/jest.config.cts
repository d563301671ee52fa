module.exports = {
  displayName: 'tenancy',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/tenancy',
};
