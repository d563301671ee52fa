module.exports = {
  displayName: 'net-guard',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/net-guard',
};
