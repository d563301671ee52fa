import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logger, readJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { channelGenerator, CHANNEL_PLUGINS_FILE } from './channel.generator';

const run = promisify(execFile);
const WORKSPACE = join(__dirname, '../../../../..');
const REGISTRY = `import type { ChannelPlugin } from '@switchboard/channel-contract';

export const BUILT_IN_CHANNELS: (() => ChannelPlugin)[] = [
  // channels:
];
`;

describe('channel generator: the files and wiring it writes', () => {
  afterEach(() => jest.restoreAllMocks());

  let tree: Tree;
  let notes: jest.SpiedFunction<typeof logger.info>;

  beforeEach(() => {
    notes = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    tree = createTreeWithEmptyWorkspace();
    tree.write('eslint.config.mjs', readFileSync(join(WORKSPACE, 'eslint.config.mjs'), 'utf-8'));
  });

  it('scaffolds libs/channels/<name> as a channel project with its own scope', async () => {
    await channelGenerator(tree, { name: 'carrier-pigeon' });
    const root = 'libs/channels/carrier-pigeon';
    expect(readProjectConfiguration(tree, 'channel-carrier-pigeon')).toMatchObject({ root, sourceRoot: `${root}/src`, tags: ['type:channel', 'scope:carrier-pigeon'] });
    for (const file of [
      'README.md',
      'tsconfig.json',
      'tsconfig.lib.json',
      'tsconfig.spec.json',
      'jest.config.cts',
      'eslint.config.mjs',
      'src/index.ts',
      'src/lib/carrier-pigeon.channel.ts',
      'src/lib/carrier-pigeon-config.schema.ts',
      'src/lib/carrier-pigeon-message.schema.ts',
      'src/lib/carrier-pigeon.conformance.spec.ts',
      'src/fixtures/bodies.json',
      'src/fixtures/exchanges.json',
      'src/fixtures/inbound.json',
      'src/fixtures/errors.json',
      'src/fixtures/recipients.json',
    ]) {
      expect(tree.exists(`${root}/${file}`)).toBe(true);
    }
    expect(tree.read(`${root}/src/lib/carrier-pigeon.channel.ts`, 'utf-8')).toContain('export class CarrierPigeonChannel implements CarrierPigeonChannelPlugin');
    expect(tree.read(`${root}/jest.config.cts`, 'utf-8')).toContain("displayName: 'channel-carrier-pigeon'");
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths['@switchboard/channel-carrier-pigeon']).toEqual([`./${root}/src/index.ts`]);
    const eslint = tree.read('eslint.config.mjs', 'utf-8') ?? '';
    expect(eslint).toContain("  'scope:carrier-pigeon': ['scope:shared'],\n};");
    expect(eslint).toMatch(/'scope:channels': \['scope:shared', 'scope:channels', 'scope:whatsapp', 'scope:sms', 'scope:carrier-pigeon'\]/);
    expect(eslint).toMatch(/'scope:shared': \['scope:shared'\],/);
  });

  it('adds the plugin to the apps\' list after the marker', async () => {
    tree.write(CHANNEL_PLUGINS_FILE, REGISTRY);
    await channelGenerator(tree, { name: 'telegram' });
    await channelGenerator(tree, { name: 'rcs' });
    expect(tree.read(CHANNEL_PLUGINS_FILE, 'utf-8')).toBe(`import { RcsChannel } from '@switchboard/channel-rcs';
import { TelegramChannel } from '@switchboard/channel-telegram';
${REGISTRY.replace('  // channels:\n', '  // channels:\n  () => new RcsChannel(),\n  () => new TelegramChannel(),\n')}`);
  });

  it('leaves the plugin list alone while it does not exist', async () => {
    await channelGenerator(tree, { name: 'telegram' });
    expect(tree.exists(CHANNEL_PLUGINS_FILE)).toBe(false);
    expect(notes).toHaveBeenCalledWith(expect.stringContaining(`${CHANNEL_PLUGINS_FILE} does not exist yet: add () => new TelegramChannel()`));
  });

  it('refuses a name that is no channel id, a lib that exists and a list without its marker', async () => {
    await expect(channelGenerator(tree, { name: 'Telegram' })).rejects.toThrow(/lower-case/);
    await channelGenerator(tree, { name: 'telegram' });
    await expect(channelGenerator(tree, { name: 'telegram' })).rejects.toThrow(/already exists/);
    tree.write(CHANNEL_PLUGINS_FILE, 'export const BUILT_IN_CHANNELS = [];\n');
    await expect(channelGenerator(tree, { name: 'rcs' })).rejects.toThrow(/"\/\/ channels:"/);
  });
});

// The real thing, in a copy of the workspace's root config and the libs a channel builds on:
// `nx g @switchboard/tools:channel`, then the generated lib must typecheck, lint and pass its spec.
describe('channel generator: a generated lib builds, lints and passes its conformance spec', () => {
  let dir: string;
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
  const inDir = (command: string, args: string[]) => run(command, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-channel-generator-'));
    for (const path of [
      'package.json',
      'nx.json',
      'tsconfig.base.json',
      'eslint.config.mjs',
      'jest.preset.js',
      'tools/nx-plugin',
      'libs/error-taxonomy',
      'libs/channels/contract',
      'libs/channels/conformance',
    ]) {
      cpSync(join(WORKSPACE, path), join(dir, path), { recursive: true });
    }
    symlinkSync(join(WORKSPACE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates the lib with nx g, and it typechecks, lints and passes its spec', async () => {
    const generated = await inDir('node', ['node_modules/.bin/nx', 'g', '@switchboard/tools:channel', 'demo', '--no-interactive']);
    expect(generated.stdout).toContain('CREATE libs/channels/demo/src/lib/demo.channel.ts');
    await inDir('node', ['node_modules/.bin/tsc', '-p', 'libs/channels/demo/tsconfig.lib.json', '--noEmit']);
    await inDir('node', ['node_modules/.bin/tsc', '-p', 'libs/channels/demo/tsconfig.spec.json', '--noEmit']);
    await inDir('node', ['node_modules/.bin/eslint', '--max-warnings', '0', 'libs/channels/demo']);
    const tested = await inDir('node', ['node_modules/.bin/jest', '--config', 'libs/channels/demo/jest.config.cts', '--ci']);
    expect(tested.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tested.stderr).not.toMatch(/failed|skipped/);
  }, 240_000);
});
