module.exports = {
  displayName: 'graphql-api',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  coverageDirectory: '../../coverage/libs/graphql-api',
};
