module.exports = {
  displayName: 'channel-conformance',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../../coverage/libs/channels/conformance',
};
