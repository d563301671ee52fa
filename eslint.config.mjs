import nx from '@nx/eslint-plugin';

// Arrows point one way: apps -> features -> data-access -> util/contract.
const typeRules = {
  'type:app': ['type:feature', 'type:channel', 'type:data-access', 'type:util', 'type:contract'],
  'type:feature': ['type:feature', 'type:channel', 'type:data-access', 'type:util', 'type:contract'],
  'type:channel': ['type:data-access', 'type:util', 'type:contract'],
  'type:data-access': ['type:data-access', 'type:util', 'type:contract'],
  'type:contract': ['type:util'],
  'type:util': ['type:util'],
  'type:testing': ['type:data-access', 'type:util', 'type:contract', 'type:testing'],
  'type:simulator': ['type:testing', 'type:data-access', 'type:util', 'type:contract'],
  'type:e2e': ['type:testing', 'type:util', 'type:data-access', 'type:contract'],
};
const scopeRules = {
  'scope:gateway': ['scope:shared', 'scope:whatsapp', 'scope:channels'],
  'scope:worker': ['scope:shared', 'scope:whatsapp', 'scope:channels'],
  'scope:simulator': ['scope:shared'],
  'scope:e2e': ['scope:shared'],
  // The console is a browser app: it talks to the gateway over HTTP and imports no server lib.
  'scope:console': [],
  // The channel-agnostic core knows no vendor: channels build on it, never the other way round.
  'scope:shared': ['scope:shared'],
  // WhatsApp's plugin, Graph client, accounts, templates, webhook ingest and host.
  'scope:whatsapp': ['scope:shared', 'scope:whatsapp'],
  // What composes the channels for the apps: the plugin list and the API surfaces that show every channel.
  'scope:channels': ['scope:shared', 'scope:channels', 'scope:whatsapp', 'scope:sms'],
  'scope:sms': ['scope:shared'],
};
const constraints = (extra) => [
  ...Object.entries(typeRules).map(([sourceTag, tags]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: [...tags, ...extra],
  })),
  ...Object.entries(scopeRules).map(([sourceTag, tags]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: tags,
  })),
  // Spelled out for the core, whatever tags a new channel lib gets: no plugin, no Graph client.
  { sourceTag: 'scope:shared', notDependOnLibsWithTags: ['type:channel', 'vendor:meta'] },
];
const boundaries = (extra) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: constraints(extra),
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/.data', 'bench/results', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.cts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
    },
  },
  {
    // Specs (and their helpers) may use the shared test helpers, whatever the kind of project.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.test-helper.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(['type:testing']),
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['**/jest.config.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
];
