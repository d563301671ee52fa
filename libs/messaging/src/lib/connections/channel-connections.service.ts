import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ChannelPlugin, ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { CacheInvalidation, cacheKey, parseInput, type InvalidatingCache } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';
import { TOKEN_VAULT, type TenantVaultScope, type TokenVault } from '@switchboard/token-vault';
import { IsNull, type Repository } from 'typeorm';
import { z } from 'zod';
import { CHANNEL_REGISTRY } from '../messaging.constants';
import { ChannelConnectionEntity } from './channel-connection.entity';

export interface ConnectionScope {
  readonly tenantId: string;
  readonly environment: Environment;
}

export interface ChannelConnectionView {
  id: string;
  channel: string;
  environment: Environment;
  name: string | null;
  senders: string[];
  webhookPath: string;
  paused: { at: string; reason: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

/** A connection with its decrypted config, as the send path and the vendor's callbacks use it. */
export interface UsableConnection {
  readonly connection: ChannelConnectionEntity;
  readonly config: unknown;
}

const CACHE_TOPIC = 'channel-connections';
/** An environment's list; a connection by its id alone (the callback route names only the id, its signature proves it). */
const listKey = (scope: ConnectionScope) => cacheKey(scope.tenantId, scope.environment);
const connectionKey = (id: string) => cacheKey('connection', id);

const vaultScope = (row: { tenantId: string; environment: Environment; id: string }): TenantVaultScope => ({
  tenantId: row.tenantId,
  environment: row.environment,
  purpose: 'channel_connection_config',
  ownerRef: row.id,
});

/** The plugin's config schema over the request's `config`, refusals under the path `config.`. */
function parseConfig(plugin: ChannelPlugin, config: unknown): unknown {
  return parseInput(z.object({ config: plugin.configSchema }), { config }).config;
}

export function connectionView(row: ChannelConnectionEntity): ChannelConnectionView {
  return {
    id: row.id,
    channel: row.channel,
    environment: row.environment,
    name: row.name,
    senders: row.senders,
    webhookPath: `/webhooks/${row.channel}/${row.id}`,
    paused: row.pausedAt ? { at: row.pausedAt.toISOString(), reason: row.pausedReason } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The environments' channel connections: created and replaced through the plugin's
 * `configSchema` (refused with the schema's own details), their config in the vault. The hot
 * paths (accept's sender, the send's config, the vendor's callbacks) read them from process
 * caches that every change drops in every process.
 */
@Injectable()
export class ChannelConnections {
  private readonly lists: InvalidatingCache<readonly ChannelConnectionEntity[]>;
  private readonly usable: InvalidatingCache<UsableConnection | null>;

  constructor(
    @InjectRepository(ChannelConnectionEntity) private readonly rows: Repository<ChannelConnectionEntity>,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CHANNEL_REGISTRY) private readonly registry: ChannelRegistry,
    private readonly caches: CacheInvalidation,
  ) {
    this.lists = caches.cache(CACHE_TOPIC, 'connections');
    this.usable = caches.cache(CACHE_TOPIC, 'connection-configs');
  }

  async create(scope: ConnectionScope, input: { channel: string; name?: string | undefined; config: unknown }): Promise<ChannelConnectionView> {
    const plugin = this.pluginOf(input.channel);
    const config = parseConfig(plugin, input.config);
    const senders = this.sendersOf(plugin, config);
    const row = await this.rows.manager.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(ChannelConnectionEntity, { tenantId: scope.tenantId, environment: scope.environment, channel: input.channel, name: input.name ?? null, senders, pausedAt: null, pausedReason: null }),
      );
      await this.vault.withManager(manager).put(vaultScope(saved), JSON.stringify(config));
      return saved;
    });
    await this.changed(row);
    return connectionView(row);
  }

  /** Replaces the config (a rotated auth token, new senders) and lifts a pause. */
  async replace(scope: ConnectionScope, id: string, config: unknown): Promise<ChannelConnectionView> {
    const row = await this.require(scope, id);
    const plugin = this.pluginOf(row.channel);
    const parsed = parseConfig(plugin, config);
    await this.rows.manager.transaction(async (manager) => {
      await manager.update(ChannelConnectionEntity, { id: row.id }, { senders: this.sendersOf(plugin, parsed), pausedAt: null, pausedReason: null });
      await this.vault.withManager(manager).put(vaultScope(row), JSON.stringify(parsed));
    });
    await this.changed(row);
    return connectionView(await this.require(scope, id));
  }

  async remove(scope: ConnectionScope, id: string): Promise<void> {
    const row = await this.require(scope, id);
    await this.rows.manager.transaction(async (manager) => {
      await manager.delete(ChannelConnectionEntity, { id: row.id });
      await this.vault.withManager(manager).delete(vaultScope(row));
    });
    await this.changed(row);
  }

  async list(scope: ConnectionScope): Promise<ChannelConnectionView[]> {
    return (await this.rows.find({ where: { tenantId: scope.tenantId, environment: scope.environment }, order: { createdAt: 'ASC' } })).map(connectionView);
  }

  async require(scope: ConnectionScope, id: string): Promise<ChannelConnectionEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.rows.findOneBy({ id, tenantId: scope.tenantId, environment: scope.environment }) : null;
    if (!row) throw new SwitchboardError({ code: 'not_found', message: `No channel connection ${id.slice(0, 40)} in this environment` });
    return row;
  }

  /**
   * A connection with its config by id alone, for the vendor's callbacks (the route names it;
   * its signature proves it) and, checked against the message's scope, for its sends. Null when
   * there is none.
   */
  usableById(id: string): Promise<UsableConnection | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return this.usable.get(connectionKey(id), async () => {
      const connection = await this.rows.findOneBy({ id });
      // Past the vault's cache: this load follows a change another process may have stored.
      return connection ? { connection, config: await this.config(connection, { fresh: true }) } : null;
    });
  }

  /** The connection of `channel` that sends from `address`, or the environment's first connection's first sender when `address` is absent. */
  async resolve(scope: ConnectionScope, channel: string, address: string | undefined, maxAgeMs?: number): Promise<{ connection: ChannelConnectionEntity; sender: string } | null> {
    const find = (rows: readonly ChannelConnectionEntity[]) => {
      for (const connection of rows) {
        if (connection.channel !== channel) continue;
        const sender = address === undefined ? connection.senders[0] : connection.senders.find((candidate) => candidate === address);
        if (sender !== undefined) return { connection, sender };
      }
      return null;
    };
    const key = listKey(scope);
    const asked = Date.now();
    const found = find(await this.lists.get(key, () => this.load(scope), maxAgeMs));
    if (found || maxAgeMs === 0) return found;
    // A connection created in another process a moment ago is found before its invalidation arrives.
    return find(await this.lists.get(key, () => this.load(scope), Date.now() - asked + 1));
  }

  /** True when this call paused it (an earlier one may have). */
  async pause(scope: ConnectionScope, id: string, reason: string): Promise<boolean> {
    const result = await this.rows.update({ id, tenantId: scope.tenantId, environment: scope.environment, pausedAt: IsNull() }, { pausedAt: new Date(), pausedReason: reason.slice(0, 500) });
    if ((result.affected ?? 0) === 0) return false;
    await this.changed({ ...scope, id });
    return true;
  }

  /** The decrypted config, parsed again by the plugin's schema. */
  private async config(connection: ChannelConnectionEntity, options: { fresh: boolean }): Promise<unknown> {
    return this.pluginOf(connection.channel).configSchema.parse(JSON.parse(await this.vault.get(vaultScope(connection), options)));
  }

  /** After the commit: every process reads the connection and its environment's list again. */
  private changed(row: { tenantId: string; environment: Environment; id: string }): Promise<void> {
    return this.caches.invalidate(CACHE_TOPIC, [listKey(row), connectionKey(row.id)]);
  }

  private load(scope: ConnectionScope): Promise<ChannelConnectionEntity[]> {
    return this.rows.find({ where: { tenantId: scope.tenantId, environment: scope.environment }, order: { createdAt: 'ASC' } });
  }

  private pluginOf(channel: string): ChannelPlugin {
    if (!this.registry.has(channel) || channel === 'whatsapp') {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `No connectable channel ${channel.slice(0, 32)}`,
        details: [{ path: 'channel', issue: `one of ${this.registry.ids().filter((id) => id !== 'whatsapp').join(', ') || '(none registered)'}; WhatsApp accounts are WABAs (/v1/admin/tenants/{tenantId}/wabas)` }],
      });
    }
    return this.registry.get(channel);
  }

  private sendersOf(plugin: ChannelPlugin, config: unknown): string[] {
    const senders = plugin.sendersOf?.(config) ?? [];
    if (senders.length === 0) {
      throw new SwitchboardError({ code: 'validation_failed', message: 'The connection has no sender', details: [{ path: 'config', issue: 'the channel found no address to send from in the config' }] });
    }
    return senders;
  }
}
