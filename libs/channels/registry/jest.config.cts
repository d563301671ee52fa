module.exports = {
  displayName: 'channel-plugins',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/registry',
};
