const nxPreset = require('@nx/jest/preset').default;

// @swc/jest instead of ts-jest: about twice as fast here; type-checking is the
// separate `npm run typecheck` step. Nest DI needs legacy decorators + metadata.
module.exports = {
  ...nxPreset,
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
