module.exports = {
  displayName: 'channel-contract',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/contract',
};
