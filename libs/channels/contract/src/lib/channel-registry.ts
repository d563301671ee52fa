import type { ChannelPlugin } from './channel-plugin';

export class ChannelRegistryError extends Error {
  override readonly name = 'ChannelRegistryError';
}

/**
 * The host's explicit list of plugins. Built once at boot: a duplicate id, or a
 * required channel without a plugin, stops the process before it takes any work,
 * instead of failing the first message that needs it.
 */
export class ChannelRegistry {
  private readonly plugins: ReadonlyMap<string, ChannelPlugin>;

  constructor(plugins: readonly ChannelPlugin[], required: readonly string[] = []) {
    const byId = new Map<string, ChannelPlugin>();
    for (const plugin of plugins) {
      if (!/^[a-z][a-z0-9-]*$/.test(plugin.id)) {
        throw new ChannelRegistryError(`Channel plugin id "${plugin.id}" must be lowercase letters, digits and dashes`);
      }
      if (byId.has(plugin.id)) {
        throw new ChannelRegistryError(`Two channel plugins share the id "${plugin.id}"`);
      }
      byId.set(plugin.id, plugin);
    }
    const missing = required.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new ChannelRegistryError(`No channel plugin registered for: ${missing.join(', ')}`);
    }
    this.plugins = byId;
  }

  get(id: string): ChannelPlugin {
    const plugin = this.plugins.get(id);
    if (!plugin) throw new ChannelRegistryError(`No channel plugin registered for "${id}"`);
    return plugin;
  }

  has(id: string): boolean {
    return this.plugins.has(id);
  }

  ids(): string[] {
    return [...this.plugins.keys()];
  }
}
