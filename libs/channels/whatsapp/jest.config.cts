module.exports = {
  displayName: 'channel-whatsapp',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/whatsapp',
};
