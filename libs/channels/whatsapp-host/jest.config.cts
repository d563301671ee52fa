module.exports = {
  displayName: 'whatsapp-host',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/whatsapp-host',
};
