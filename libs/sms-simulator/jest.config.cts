module.exports = {
  displayName: 'sms-simulator',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/sms-simulator',
};
