module.exports = {
  displayName: 'channel-sms',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/sms',
};
