import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ChannelPlugin } from '@switchboard/channel-contract';
import { BUILT_IN_CHANNELS, type ChannelOptions } from './channel-plugins';

export class ChannelPluginLoadError extends Error {
  override readonly name = 'ChannelPluginLoadError';
}

const isPlugin = (value: unknown): value is ChannelPlugin =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as ChannelPlugin).id === 'string' &&
  typeof (value as ChannelPlugin).send === 'function' &&
  typeof (value as ChannelPlugin).validate === 'function' &&
  typeof (value as ChannelPlugin).toPayload === 'function' &&
  typeof (value as ChannelPlugin).classifyError === 'function';

/**
 * The built-in channels, then each npm package named in CHANNEL_PLUGINS, resolved from
 * `fromDirectory` (the process's working directory: where the deployment installed it). A
 * package's default export (or the module itself) is a plugin or a function returning one;
 * anything else stops the process at boot with the package's name. Duplicate ids are the
 * registry's to refuse.
 */
export function loadChannelPlugins(options: ChannelOptions & { readonly packages?: readonly string[]; readonly fromDirectory?: string }): ChannelPlugin[] {
  const plugins = BUILT_IN_CHANNELS.map((create) => create(options));
  // Not the bundler's `require`: the package is installed beside the app, not bundled into it.
  const load = createRequire(join(options.fromDirectory ?? process.cwd(), 'package.json'));
  for (const name of options.packages ?? []) {
    let loaded: unknown;
    try {
      loaded = load(name);
    } catch (error) {
      throw new ChannelPluginLoadError(`CHANNEL_PLUGINS: cannot load ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    const exported = (loaded as { default?: unknown } | null)?.default ?? loaded;
    const plugin = typeof exported === 'function' ? (exported as (options: ChannelOptions) => unknown)(options) : exported;
    if (!isPlugin(plugin)) throw new ChannelPluginLoadError(`CHANNEL_PLUGINS: ${name} exports no channel plugin (an object with id, validate, toPayload, send, classifyError)`);
    plugins.push(plugin);
  }
  return plugins;
}
