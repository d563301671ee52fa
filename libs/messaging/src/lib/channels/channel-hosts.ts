import { Inject, Injectable } from '@nestjs/common';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { CHANNEL_REGISTRY } from '../messaging.constants';
import { CHANNEL_HOSTS, type ChannelHost } from './channel-host.port';
import { ConnectionChannelHosts } from './connection-channel-host';

/**
 * The ChannelHost of each registered plugin: the host the app bound for it (WhatsApp's), or
 * else the generic one over the environment's channel connections, which every plugin with a
 * config schema gets without host code of its own.
 */
@Injectable()
export class ChannelHosts {
  private readonly hosts = new Map<string, ChannelHost>();

  constructor(
    @Inject(CHANNEL_HOSTS) bound: readonly ChannelHost[],
    @Inject(CHANNEL_REGISTRY) private readonly registry: ChannelRegistry,
    connections: ConnectionChannelHosts,
  ) {
    for (const host of bound) this.hosts.set(host.channel, host);
    for (const id of registry.ids()) if (!this.hosts.has(id)) this.hosts.set(id, connections.for(id));
  }

  /** The host of a channel the registry knows; validation_failed (path `channel`) otherwise. */
  get(channel: string): ChannelHost {
    const host = this.hosts.get(channel);
    if (!host) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `No channel ${channel.slice(0, 32)} in this gateway`,
        details: [{ path: 'channel', issue: `one of ${this.registry.ids().join(', ')}` }],
      });
    }
    return host;
  }
}
