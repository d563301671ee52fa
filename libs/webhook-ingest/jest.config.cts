module.exports = {
  displayName: 'webhook-ingest',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/webhook-ingest',
};
