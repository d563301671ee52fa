import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelRegistry, ChannelRegistryError } from '@switchboard/channel-contract';
import { ChannelPluginLoadError, loadChannelPlugins } from './load-channel-plugins';

/** A deployment directory with packages installed in its node_modules, as npm would leave them. */
function deployment(packages: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'channel-plugins-'));
  writeFileSync(join(root, 'package.json'), '{"name":"deployment","private":true}');
  for (const [name, source] of Object.entries(packages)) {
    const directory = join(root, 'node_modules', ...name.split('/'));
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
    writeFileSync(join(directory, 'index.js'), source);
  }
  return root;
}

const PLUGIN = (id: string) => `{
  id: '${id}',
  configSchema: { safeParse: (value) => ({ success: true, data: value }) },
  messageSchema: { safeParse: (value) => ({ success: true, data: value }) },
  validate: async () => [],
  toPayload: (message) => ({ ...message }),
  send: async () => ({ providerMessageId: 'x-1', acceptedAt: new Date() }),
  classifyError: () => ({ code: 'unknown', retryable: false }),
}`;

describe('loadChannelPlugins', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const at = (packages: Record<string, string>) => {
    const root = deployment(packages);
    roots.push(root);
    return root;
  };

  it('loads the built-in channels, then each named package: a plugin or a factory as default export', () => {
    const root = at({
      '@acme/switchboard-channel-pigeon': `module.exports = { default: ${PLUGIN('pigeon')} };`,
      'switchboard-channel-telex': `module.exports = (options) => (${PLUGIN('telex')});`,
    });
    const plugins = loadChannelPlugins({ packages: ['@acme/switchboard-channel-pigeon', 'switchboard-channel-telex'], fromDirectory: root });
    expect(plugins.map((plugin) => plugin.id)).toEqual(['whatsapp', 'sms', 'pigeon', 'telex']);
    expect(new ChannelRegistry(plugins, ['whatsapp']).ids()).toEqual(['whatsapp', 'sms', 'pigeon', 'telex']);
  });

  it('stops at boot, naming the package, when it is missing or exports no plugin', () => {
    const root = at({ 'not-a-plugin': 'module.exports = { hello: 1 };' });
    expect(() => loadChannelPlugins({ packages: ['@acme/absent'], fromDirectory: root })).toThrow(ChannelPluginLoadError);
    expect(() => loadChannelPlugins({ packages: ['@acme/absent'], fromDirectory: root })).toThrow(/@acme\/absent/);
    expect(() => loadChannelPlugins({ packages: ['not-a-plugin'], fromDirectory: root })).toThrow(/not-a-plugin exports no channel plugin/);
  });

  it('leaves a duplicate id to the registry, which refuses it', () => {
    const root = at({ 'another-sms': `module.exports = ${PLUGIN('sms')};` });
    expect(() => new ChannelRegistry(loadChannelPlugins({ packages: ['another-sms'], fromDirectory: root }))).toThrow(ChannelRegistryError);
  });
});
