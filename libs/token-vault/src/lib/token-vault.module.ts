import { type DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MasterKeyRing } from './master-key';
import { TOKEN_VAULT } from './token-vault.constants';
import { TokenVault } from './token-vault.service';

export interface TokenVaultModuleOptions {
  /** From resolveMasterKeys(config), called before Nest starts so a bad key never half-boots an app. */
  readonly keys: MasterKeyRing;
  /** Config's VAULT_CACHE_TTL_MS; default 60 s. */
  readonly cacheTtlMs?: number;
  /** A named TypeORM data source; default: the app's one (PersistenceModule). */
  readonly dataSourceName?: string;
}

/** Provides TOKEN_VAULT app-wide over the app's TypeORM DataSource. */
@Module({})
export class TokenVaultModule {
  static forRoot(options: TokenVaultModuleOptions): DynamicModule {
    return {
      module: TokenVaultModule,
      global: true,
      providers: [
        {
          provide: TOKEN_VAULT,
          inject: [getDataSourceToken(options.dataSourceName)],
          useFactory: (dataSource: DataSource) =>
            new TokenVault({ db: dataSource, keys: options.keys, cacheTtlMs: options.cacheTtlMs }),
        },
      ],
      exports: [TOKEN_VAULT],
    };
  }
}
