import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { platformScope, TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import { LRUCache } from 'lru-cache';
import { Repository } from 'typeorm';
import { MetaAppEntity } from './meta-app.entity';

export interface MetaAppCredentials {
  id: string;
  appId: string;
  appSecret: string;
  verifyToken: string;
}

export function webhookPathOf(appId: string): string {
  return `/webhooks/whatsapp/${appId}`;
}

/**
 * App ids with no secrets are remembered this long, so a stranger posting to
 * `/webhooks/whatsapp/{random digits}` costs no vault reads per request; registering
 * through this process forgets the entry at once, other processes within the TTL.
 */
const UNKNOWN_APP_TTL_MS = 30_000;
const UNKNOWN_APP_CACHE_MAX = 10_000;

@Injectable()
export class MetaAppsService {
  private readonly unknownApps = new LRUCache<string, true>({ max: UNKNOWN_APP_CACHE_MAX, ttl: UNKNOWN_APP_TTL_MS });

  constructor(
    @InjectRepository(MetaAppEntity) private readonly apps: Repository<MetaAppEntity>,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
  ) {}

  /** Row and secrets in one transaction: an app is never half-registered. */
  async register(input: { appId: string; appSecret: string; verifyToken: string }) {
    if (await this.apps.existsBy({ appId: input.appId })) {
      throw new SwitchboardError({
        code: 'conflict',
        message: `Meta app ${input.appId} is already registered`,
        details: [{ path: 'appId', issue: 'already registered' }],
      });
    }
    const app = await this.apps.manager.transaction(async (manager) => {
      const saved = await manager.save(manager.create(MetaAppEntity, { appId: input.appId }));
      const vault = this.vault.withManager(manager);
      await vault.put(platformScope('meta_app_secret', input.appId), input.appSecret);
      await vault.put(platformScope('meta_verify_token', input.appId), input.verifyToken);
      return saved;
    });
    this.unknownApps.delete(input.appId);
    return { id: app.id, appId: app.appId, webhookPath: webhookPathOf(app.appId) };
  }

  async require(appId: string): Promise<MetaAppEntity> {
    const app = await this.apps.findOneBy({ appId });
    if (!app) throw new SwitchboardError({ code: 'not_found', message: `Meta app ${appId} is not registered` });
    return app;
  }

  async requireById(id: string): Promise<MetaAppEntity> {
    const app = await this.apps.findOneBy({ id });
    if (!app) throw new SwitchboardError({ code: 'not_found', message: 'Meta app not found' });
    return app;
  }

  /**
   * What webhook verification needs, by Meta's app id; null for an app that is not
   * registered. Read from the vault (which caches decrypted secrets), never from the
   * database on a warm path, so a signature check per request stays cheap.
   */
  async webhookSecrets(appId: string): Promise<{ appSecret: string; verifyToken: string } | null> {
    if (this.unknownApps.has(appId)) return null;
    const [appSecret, verifyToken] = await Promise.all([
      this.vault.find(platformScope('meta_app_secret', appId)),
      this.vault.find(platformScope('meta_verify_token', appId)),
    ]);
    if (appSecret === undefined || verifyToken === undefined) {
      this.unknownApps.set(appId, true);
      return null;
    }
    return { appSecret, verifyToken };
  }

  async credentials(app: MetaAppEntity): Promise<MetaAppCredentials> {
    return {
      id: app.id,
      appId: app.appId,
      appSecret: await this.vault.get(platformScope('meta_app_secret', app.appId)),
      verifyToken: await this.vault.get(platformScope('meta_verify_token', app.appId)),
    };
  }
}
