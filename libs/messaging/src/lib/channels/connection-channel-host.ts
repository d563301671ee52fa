import { Inject, Injectable } from '@nestjs/common';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { SendLimiter, type CircuitGate } from '@switchboard/rate-limiting';
import { ChannelConnections } from '../connections/channel-connections.service';
import { CHANNEL_REGISTRY, CHANNEL_ROUTES, type ChannelRoutes } from '../messaging.constants';
import type { MessageEntity } from '../persistence/message.entity';
import type { ChannelHost, ChannelPermit, ChannelScope, PreparedSend, ResolvedSender, SendConfig } from './channel-host.port';

/**
 * The ChannelHost every plugin gets without host code of its own: senders are the addresses
 * of the environment's channel connections, credentials the connection's config from the
 * vault, status callbacks the connection's ingest route with the message id in its query.
 * No state-dependent checks and no limits of the host's own (only the account's circuit):
 * the vendor's throttling answers (classified by the plugin) delay the send instead.
 */
@Injectable()
export class ConnectionChannelHosts {
  constructor(
    private readonly connections: ChannelConnections,
    @Inject(CHANNEL_REGISTRY) private readonly registry: ChannelRegistry,
    @Inject(CHANNEL_ROUTES) private readonly routes: ChannelRoutes,
    private readonly limiter: SendLimiter,
  ) {}

  for(channel: string): ChannelHost {
    const { connections, routes, limiter } = this;
    const plugin = this.registry.get(channel);
    const normalisedAddress = (from: string | undefined): string | undefined => {
      if (from === undefined || !plugin.normaliseRecipient) return from;
      try {
        return plugin.normaliseRecipient(from);
      } catch {
        return from;
      }
    };
    const usableOf = async (message: MessageEntity) => {
      const usable = message.accountId ? await connections.usableById(message.accountId) : null;
      const ours = usable && usable.connection.tenantId === message.tenantId && usable.connection.environment === message.environment;
      if (!ours) throw new SwitchboardError({ code: 'validation_failed', message: `The ${channel} connection of this message was removed` });
      return usable;
    };
    return {
      channel,
      async resolveSender(scope: ChannelScope, from: string | undefined, options: { fresh?: boolean } = {}): Promise<ResolvedSender | null> {
        // A stored sender is already normalised; a request's `from` is normalised like a recipient.
        const stored = from === undefined ? null : await connections.resolve(scope, channel, from, options.fresh ? 0 : undefined);
        const found = stored ?? (await connections.resolve(scope, channel, normalisedAddress(from), options.fresh ? 0 : undefined));
        if (!found) return null;
        return { address: found.sender, accountId: found.connection.id, displayNumber: `+${found.sender}`, testRecipients: null };
      },
      async prepare(_scope: ChannelScope, _sender: ResolvedSender, _recipient: string, message: unknown): Promise<PreparedSend> {
        return { message, template: null };
      },
      async recheck(): Promise<SwitchboardError | null> {
        return null;
      },
      async sendConfig(message: MessageEntity): Promise<SendConfig | null> {
        const { connection, config } = await usableOf(message);
        if (connection.pausedAt !== null) return null;
        return { config, statusCallbackUrl: routes.statusCallbackUrl(channel, connection.id, message.id) };
      },
      acquire(_message: MessageEntity, _businessInitiated: boolean, circuit: CircuitGate): Promise<ChannelPermit> {
        return limiter.acquireCircuit(circuit);
      },
      async businessInitiated(): Promise<boolean> {
        return false;
      },
      async recordAccepted(): Promise<void> {
        return;
      },
      async pause(message: MessageEntity, reason: string): Promise<boolean> {
        return message.accountId !== null && connections.pause(message, message.accountId, reason);
      },
      // Callbacks of connection channels are applied on receipt: none wait.
      async reportsPendingSince(): Promise<boolean> {
        return false;
      },
    };
  }
}
